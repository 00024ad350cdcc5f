/* Compiles only if rexnet.h declares the C API's functions with exactly these types (-Werror turns
   an incompatible pointer assignment into an error); also compiled as C++ by signatures.cpp. */
#include <stddef.h>
#include "rexnet.h"

typedef const char* (*version_fn)(void);
typedef int (*create_fn)(const char*, const char*, const char*, int, int, int, rexnet_engine**);
typedef int (*run_fn)(rexnet_engine*, const float*, int, float*, size_t);
typedef int (*num_classes_fn)(const rexnet_engine*);
typedef const char* (*last_error_fn)(void);
typedef void (*destroy_fn)(rexnet_engine*);

int main(void) {
    version_fn version = rexnet_version;
    create_fn create = rexnet_engine_create;
    run_fn run = rexnet_engine_run;
    num_classes_fn num_classes = rexnet_engine_num_classes;
    last_error_fn last_error = rexnet_last_error;
    destroy_fn destroy = rexnet_engine_destroy;
    destroy(NULL);
    /* The functions resolve from librexnet.so and the status codes are the documented numbers. */
    return !(version && create && run && num_classes && last_error && REXNET_OK == 0 &&
             REXNET_ERR_INVALID_ARGUMENT == 1 && REXNET_ERR_INVALID_FILE == 2 && REXNET_ERR_NOT_FOUND == 3 &&
             REXNET_ERR_DEVICE_UNAVAILABLE == 4 && REXNET_ERR_DEVICE_FAILURE == 5 && REXNET_ERR_INTERNAL == 6 &&
             REXNET_ERR_BUSY == 7 && REXNET_ERR_OUT_OF_MEMORY == 8 && last_error()[0] == 0);
}
