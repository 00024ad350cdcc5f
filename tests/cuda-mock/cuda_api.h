// cuda_api.h - the CUDA driver API entry points the bindings in native/RexNet.Native bind, declared from
// the driver API reference (types, enumerators and C signatures as documented). Only what the mock
// implements is here; the numeric values are the documented ones, which the C# enums use too.
#pragma once

#include <cstddef>

extern "C" {

typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st* CUcontext;
typedef struct CUstream_st* CUstream;
typedef struct CUevent_st* CUevent;
typedef struct CUmod_st* CUmodule;
typedef struct CUfunc_st* CUfunction;
typedef struct CUgraph_st* CUgraph;
typedef struct CUgraphExec_st* CUgraphExec;
typedef struct CUgraphNode_st* CUgraphNode;

typedef enum cudaError_enum
{
    CUDA_SUCCESS = 0,
    CUDA_ERROR_INVALID_VALUE = 1,
    CUDA_ERROR_OUT_OF_MEMORY = 2,
    CUDA_ERROR_NOT_INITIALIZED = 3,
    CUDA_ERROR_DEINITIALIZED = 4,
    CUDA_ERROR_NO_DEVICE = 100,
    CUDA_ERROR_INVALID_DEVICE = 101,
    CUDA_ERROR_INVALID_IMAGE = 200,
    CUDA_ERROR_INVALID_CONTEXT = 201,
    CUDA_ERROR_NO_BINARY_FOR_GPU = 209,
    CUDA_ERROR_INVALID_PTX = 218,
    CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222,
    CUDA_ERROR_INVALID_HANDLE = 400,
    CUDA_ERROR_ILLEGAL_STATE = 401,
    CUDA_ERROR_NOT_FOUND = 500,
    CUDA_ERROR_NOT_READY = 600,
    CUDA_ERROR_ILLEGAL_ADDRESS = 700,
    CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
    CUDA_ERROR_CONTEXT_IS_DESTROYED = 709,
    CUDA_ERROR_ASSERT = 710,
    CUDA_ERROR_MISALIGNED_ADDRESS = 716,
    CUDA_ERROR_LAUNCH_FAILED = 719,
    CUDA_ERROR_NOT_PERMITTED = 800,
    CUDA_ERROR_NOT_SUPPORTED = 801,
    CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900,
    CUDA_ERROR_STREAM_CAPTURE_INVALIDATED = 901,
    CUDA_ERROR_STREAM_CAPTURE_IMPLICIT = 906,
    CUDA_ERROR_CAPTURED_EVENT = 907,
    CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD = 908,
    CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE = 910,
    CUDA_ERROR_UNKNOWN = 999,
} CUresult;

typedef enum CUdevice_attribute_enum
{
    CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1,
    CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X = 2,
    CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y = 3,
    CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z = 4,
    CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X = 5,
    CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y = 6,
    CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z = 7,
    CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8,
    CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY = 9,
    CU_DEVICE_ATTRIBUTE_WARP_SIZE = 10,
    CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK = 12,
    CU_DEVICE_ATTRIBUTE_CLOCK_RATE = 13,
    CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
    CU_DEVICE_ATTRIBUTE_KERNEL_EXEC_TIMEOUT = 17,
    CU_DEVICE_ATTRIBUTE_INTEGRATED = 18,
    CU_DEVICE_ATTRIBUTE_ECC_ENABLED = 32,
    CU_DEVICE_ATTRIBUTE_PCI_BUS_ID = 33,
    CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID = 34,
    CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE = 36,
    CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH = 37,
    CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE = 38,
    CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR = 39,
    CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING = 41,
    CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID = 50,
    CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
    CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
    CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR = 81,
    CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR = 82,
    CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97,
    CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR = 106,
} CUdevice_attribute;

typedef enum CUfunction_attribute_enum
{
    CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0,
    CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES = 1,
    CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES = 2,
    CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES = 3,
    CU_FUNC_ATTRIBUTE_NUM_REGS = 4,
    CU_FUNC_ATTRIBUTE_PTX_VERSION = 5,
    CU_FUNC_ATTRIBUTE_BINARY_VERSION = 6,
    CU_FUNC_ATTRIBUTE_CACHE_MODE_CA = 7,
    CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
    CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT = 9,
} CUfunction_attribute;

typedef enum CUjit_option_enum
{
    CU_JIT_MAX_REGISTERS = 0,
    CU_JIT_THREADS_PER_BLOCK = 1,
    CU_JIT_WALL_TIME = 2,
    CU_JIT_INFO_LOG_BUFFER = 3,
    CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4,
    CU_JIT_ERROR_LOG_BUFFER = 5,
    CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
    CU_JIT_OPTIMIZATION_LEVEL = 7,
    CU_JIT_LOG_VERBOSE = 12,
    CU_JIT_GENERATE_LINE_INFO = 13,
} CUjit_option;

typedef enum CUstreamCaptureMode_enum
{
    CU_STREAM_CAPTURE_MODE_GLOBAL = 0,
    CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1,
    CU_STREAM_CAPTURE_MODE_RELAXED = 2,
} CUstreamCaptureMode;

typedef enum CUgraphExecUpdateResult_enum
{
    CU_GRAPH_EXEC_UPDATE_SUCCESS = 0,
    CU_GRAPH_EXEC_UPDATE_ERROR = 1,
    CU_GRAPH_EXEC_UPDATE_ERROR_TOPOLOGY_CHANGED = 2,
    CU_GRAPH_EXEC_UPDATE_ERROR_NODE_TYPE_CHANGED = 3,
    CU_GRAPH_EXEC_UPDATE_ERROR_FUNCTION_CHANGED = 4,
    CU_GRAPH_EXEC_UPDATE_ERROR_PARAMETERS_CHANGED = 5,
    CU_GRAPH_EXEC_UPDATE_ERROR_NOT_SUPPORTED = 6,
} CUgraphExecUpdateResult;

typedef struct CUgraphExecUpdateResultInfo_st
{
    CUgraphExecUpdateResult result;
    CUgraphNode errorNode;
    CUgraphNode errorFromNode;
} CUgraphExecUpdateResultInfo;

// Stream and event creation flags, cuMemHostAlloc flags, the special stream handles.
enum
{
    CU_STREAM_DEFAULT = 0x0,
    CU_STREAM_NON_BLOCKING = 0x1,
    CU_EVENT_DEFAULT = 0x0,
    CU_EVENT_BLOCKING_SYNC = 0x1,
    CU_EVENT_DISABLE_TIMING = 0x2,
    CU_EVENT_INTERPROCESS = 0x4,
    CU_MEMHOSTALLOC_PORTABLE = 0x1,
    CU_MEMHOSTALLOC_DEVICEMAP = 0x2,
    CU_MEMHOSTALLOC_WRITECOMBINED = 0x4,
    CU_GRAPH_INSTANTIATE_FLAG_AUTO_FREE_ON_LAUNCH = 0x1,
    CU_GRAPH_INSTANTIATE_FLAG_UPLOAD = 0x2,
    CU_GRAPH_INSTANTIATE_FLAG_USE_NODE_PRIORITY = 0x8,
};
#define CU_STREAM_LEGACY ((CUstream)0x1)
#define CU_STREAM_PER_THREAD ((CUstream)0x2)

#define CUDA_MOCK_API __attribute__((visibility("default")))

CUDA_MOCK_API CUresult cuInit(unsigned int flags);
CUDA_MOCK_API CUresult cuDriverGetVersion(int* driverVersion);
CUDA_MOCK_API CUresult cuGetErrorName(CUresult error, const char** name);
CUDA_MOCK_API CUresult cuGetErrorString(CUresult error, const char** description);

CUDA_MOCK_API CUresult cuDeviceGetCount(int* count);
CUDA_MOCK_API CUresult cuDeviceGet(CUdevice* device, int ordinal);
CUDA_MOCK_API CUresult cuDeviceGetName(char* name, int length, CUdevice device);
CUDA_MOCK_API CUresult cuDeviceGetAttribute(int* value, CUdevice_attribute attribute, CUdevice device);
CUDA_MOCK_API CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice device);

CUDA_MOCK_API CUresult cuDevicePrimaryCtxRetain(CUcontext* context, CUdevice device);
CUDA_MOCK_API CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device);
CUDA_MOCK_API CUresult cuCtxSetCurrent(CUcontext context);
CUDA_MOCK_API CUresult cuCtxPushCurrent_v2(CUcontext context);
CUDA_MOCK_API CUresult cuCtxPopCurrent_v2(CUcontext* context);
CUDA_MOCK_API CUresult cuCtxSynchronize(void);
CUDA_MOCK_API CUresult cuMemGetInfo_v2(size_t* free, size_t* total);

CUDA_MOCK_API CUresult cuStreamCreate(CUstream* stream, unsigned int flags);
CUDA_MOCK_API CUresult cuStreamDestroy_v2(CUstream stream);
CUDA_MOCK_API CUresult cuStreamSynchronize(CUstream stream);
CUDA_MOCK_API CUresult cuEventCreate(CUevent* event, unsigned int flags);
CUDA_MOCK_API CUresult cuEventDestroy_v2(CUevent event);
CUDA_MOCK_API CUresult cuEventRecord(CUevent event, CUstream stream);
CUDA_MOCK_API CUresult cuEventSynchronize(CUevent event);
CUDA_MOCK_API CUresult cuEventElapsedTime(float* milliseconds, CUevent start, CUevent end);

CUDA_MOCK_API CUresult cuMemAlloc_v2(CUdeviceptr* pointer, size_t bytes);
CUDA_MOCK_API CUresult cuMemFree_v2(CUdeviceptr pointer);
CUDA_MOCK_API CUresult cuMemcpyHtoD_v2(CUdeviceptr destination, const void* source, size_t bytes);
CUDA_MOCK_API CUresult cuMemcpyDtoH_v2(void* destination, CUdeviceptr source, size_t bytes);
CUDA_MOCK_API CUresult cuMemcpyDtoD_v2(CUdeviceptr destination, CUdeviceptr source, size_t bytes);
CUDA_MOCK_API CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr destination, const void* source, size_t bytes, CUstream stream);
CUDA_MOCK_API CUresult cuMemcpyDtoHAsync_v2(void* destination, CUdeviceptr source, size_t bytes, CUstream stream);
CUDA_MOCK_API CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr destination, CUdeviceptr source, size_t bytes, CUstream stream);
CUDA_MOCK_API CUresult cuMemsetD8_v2(CUdeviceptr destination, unsigned char value, size_t count);
CUDA_MOCK_API CUresult cuMemsetD32_v2(CUdeviceptr destination, unsigned int value, size_t count);
CUDA_MOCK_API CUresult cuMemsetD8Async(CUdeviceptr destination, unsigned char value, size_t count, CUstream stream);
CUDA_MOCK_API CUresult cuMemsetD32Async(CUdeviceptr destination, unsigned int value, size_t count, CUstream stream);
CUDA_MOCK_API CUresult cuMemHostAlloc(void** pointer, size_t bytes, unsigned int flags);
CUDA_MOCK_API CUresult cuMemFreeHost(void* pointer);

CUDA_MOCK_API CUresult cuModuleLoadData(CUmodule* module, const void* image);
CUDA_MOCK_API CUresult cuModuleLoadDataEx(CUmodule* module, const void* image, unsigned int optionCount, CUjit_option* options,
    void** optionValues);
CUDA_MOCK_API CUresult cuModuleUnload(CUmodule module);
CUDA_MOCK_API CUresult cuModuleGetFunction(CUfunction* function, CUmodule module, const char* name);
CUDA_MOCK_API CUresult cuFuncGetAttribute(int* value, CUfunction_attribute attribute, CUfunction function);
CUDA_MOCK_API CUresult cuFuncSetAttribute(CUfunction function, CUfunction_attribute attribute, int value);
CUDA_MOCK_API CUresult cuLaunchKernel(CUfunction function, unsigned int gridX, unsigned int gridY, unsigned int gridZ,
    unsigned int blockX, unsigned int blockY, unsigned int blockZ, unsigned int sharedMemBytes, CUstream stream,
    void** kernelParams, void** extra);

CUDA_MOCK_API CUresult cuStreamBeginCapture_v2(CUstream stream, CUstreamCaptureMode mode);
CUDA_MOCK_API CUresult cuStreamEndCapture(CUstream stream, CUgraph* graph);
CUDA_MOCK_API CUresult cuGraphInstantiateWithFlags(CUgraphExec* graphExec, CUgraph graph, unsigned long long flags);
CUDA_MOCK_API CUresult cuGraphLaunch(CUgraphExec graphExec, CUstream stream);
CUDA_MOCK_API CUresult cuGraphExecUpdate_v2(CUgraphExec graphExec, CUgraph graph, CUgraphExecUpdateResultInfo* resultInfo);
CUDA_MOCK_API CUresult cuGraphDestroy(CUgraph graph);
CUDA_MOCK_API CUresult cuGraphExecDestroy(CUgraphExec graphExec);

// Not a driver entry point: lets tools tell the mock from a real driver ("rexnet doctor" does).
CUDA_MOCK_API extern const char rexnet_cuda_mock[];
}
