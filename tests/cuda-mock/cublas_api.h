// cublas_api.h - the cuBLAS v2 entry points the bindings bind, declared from the cuBLAS documentation
// (status codes, operation, math-mode, data-type and compute-type values as documented).
#pragma once

#include "cuda_api.h"

extern "C" {

typedef struct cublasContext* cublasHandle_t;
typedef CUstream cudaStream_t;

typedef enum
{
    CUBLAS_STATUS_SUCCESS = 0,
    CUBLAS_STATUS_NOT_INITIALIZED = 1,
    CUBLAS_STATUS_ALLOC_FAILED = 3,
    CUBLAS_STATUS_INVALID_VALUE = 7,
    CUBLAS_STATUS_ARCH_MISMATCH = 8,
    CUBLAS_STATUS_MAPPING_ERROR = 11,
    CUBLAS_STATUS_EXECUTION_FAILED = 13,
    CUBLAS_STATUS_INTERNAL_ERROR = 14,
    CUBLAS_STATUS_NOT_SUPPORTED = 15,
    CUBLAS_STATUS_LICENSE_ERROR = 16,
} cublasStatus_t;

typedef enum
{
    CUBLAS_OP_N = 0,
    CUBLAS_OP_T = 1,
    CUBLAS_OP_C = 2,
} cublasOperation_t;

typedef enum
{
    CUBLAS_DEFAULT_MATH = 0,
    CUBLAS_TENSOR_OP_MATH = 1,
    CUBLAS_PEDANTIC_MATH = 2,
    CUBLAS_TF32_TENSOR_OP_MATH = 3,
    CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION = 16,
} cublasMath_t;

typedef enum
{
    CUDA_R_32F = 0,
} cudaDataType;

typedef enum
{
    CUBLAS_COMPUTE_32F = 68,
    CUBLAS_COMPUTE_32F_PEDANTIC = 69,
    CUBLAS_COMPUTE_32F_FAST_TF32 = 77,
} cublasComputeType_t;

typedef int cublasGemmAlgo_t;

typedef enum
{
    MAJOR_VERSION = 0,
    MINOR_VERSION = 1,
    PATCH_LEVEL = 2,
} libraryPropertyType;

#define CUBLAS_MOCK_API __attribute__((visibility("default")))

CUBLAS_MOCK_API cublasStatus_t cublasCreate_v2(cublasHandle_t* handle);
CUBLAS_MOCK_API cublasStatus_t cublasDestroy_v2(cublasHandle_t handle);
CUBLAS_MOCK_API cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int* version);
CUBLAS_MOCK_API cublasStatus_t cublasGetProperty(libraryPropertyType type, int* value);
CUBLAS_MOCK_API cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t stream);
CUBLAS_MOCK_API cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode);
CUBLAS_MOCK_API cublasStatus_t cublasSetWorkspace_v2(cublasHandle_t handle, void* workspace, size_t bytes);
CUBLAS_MOCK_API const char* cublasGetStatusString(cublasStatus_t status);
CUBLAS_MOCK_API cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
    const float* alpha, const float* A, int lda, const float* B, int ldb, const float* beta, float* C, int ldc);
CUBLAS_MOCK_API cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n,
    int k, const float* alpha, const float* A, int lda, long long strideA, const float* B, int ldb, long long strideB, const float* beta, float* C,
    int ldc, long long strideC, int batchCount);
CUBLAS_MOCK_API cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
    const void* alpha, const void* A, cudaDataType Atype, int lda, const void* B, cudaDataType Btype, int ldb, const void* beta, void* C,
    cudaDataType Ctype, int ldc, cublasComputeType_t computeType, cublasGemmAlgo_t algo);
}
