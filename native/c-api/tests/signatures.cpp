// signatures.c compiled as C++11: rexnet.h's extern "C" block and types work from C++.
#include "signatures.c"
