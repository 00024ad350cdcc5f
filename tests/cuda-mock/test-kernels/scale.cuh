// scale.cuh - a header for saxpy.cu, so the tests also cover a kernel that includes one.
#pragma once

__device__ inline float scale(float a, float x) { return a * x; }
