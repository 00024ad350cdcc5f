// cublas_api.cpp - libcublas.so (mock): handles bound to the mock driver's contexts and SGEMMs queued on
// the handle's stream like any other device work, so they run in stream order, are captured into graphs
// and replayed, and have their matrices' extents checked against live allocations when they run.
// The product itself is computed on the host from cuBLAS's column-major definition, accumulating in
// double; in a TF32 math mode the operands are first rounded to TF32, so an engine that asked for TF32
// by mistake fails its float32 parity tests here as it would on a GPU.
#include "cublas_api.h"
#include "mock.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <unordered_set>

using namespace cuda_mock;

struct cublasContext
{
    Context* context = nullptr;
    Stream* stream = nullptr;
    int math = CUBLAS_DEFAULT_MATH;
    bool user_workspace = false;
    bool live = true;
};

namespace
{
std::unordered_set<const void*> g_handles;

cublasStatus_t blas_fail(const char* call, cublasStatus_t status, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

const char* status_name(cublasStatus_t s)
{
    switch (s)
    {
    case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case CUBLAS_STATUS_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
    }
    return "cublasStatus_t (unknown)";
}

cublasStatus_t blas_fail(const char* call, cublasStatus_t status, const char* fmt, ...)
{
    va_list list;
    va_start(list, fmt);
    report(call, vformat(fmt, list), status_name(status));
    va_end(list);
    return status;
}

#define BLAS(name)                                                 \
    std::lock_guard<std::recursive_mutex> api_lock_(big_lock()); \
    const char* const call = name

cublasStatus_t live_handle(const char* call, cublasHandle_t handle)
{
    if (handle == nullptr || !g_handles.count(handle) || !handle->live)
    {
        return blas_fail(call, CUBLAS_STATUS_NOT_INITIALIZED, "handle %p is not a live cuBLAS handle", static_cast<void*>(handle));
    }
    if (!handle->context->live)
    {
        return blas_fail(call, CUBLAS_STATUS_NOT_INITIALIZED, "the handle's context was destroyed");
    }
    return CUBLAS_STATUS_SUCCESS;
}

float tf32(float v)
{
    std::uint32_t bits;
    std::memcpy(&bits, &v, 4);
    if ((bits & 0x7f800000u) != 0x7f800000u)
    {
        bits = (bits + 0x0fffu + ((bits >> 13) & 1u)) & 0xffffe000u; // round to nearest even at 10 mantissa bits
    }
    std::memcpy(&v, &bits, 4);
    return v;
}

struct Gemm
{
    cublasOperation_t ta, tb;
    int m, n, k;
    float alpha, beta;
    const float* a;
    int lda;
    long long sa;
    const float* b;
    int ldb;
    long long sb;
    float* c;
    int ldc;
    long long sc;
    int batch;
    bool round_tf32;

    // C = alpha op(A) op(B) + beta C, column-major; beta 0 means C is not read (it may hold garbage).
    void run() const
    {
        std::vector<double> acc(static_cast<size_t>(m));
        std::vector<double> column(static_cast<size_t>(k));
        auto value = [this](float v) { return static_cast<double>(round_tf32 ? tf32(v) : v); };
        for (int q = 0; q < batch; q++)
        {
            const float* A = a + q * sa;
            const float* B = b + q * sb;
            float* C = c + q * sc;
            for (int j = 0; j < n; j++)
            {
                for (int p = 0; p < k; p++)
                {
                    column[p] = value(tb == CUBLAS_OP_N ? B[p + static_cast<long long>(j) * ldb] : B[j + static_cast<long long>(p) * ldb]);
                }
                if (ta == CUBLAS_OP_N)
                {
                    std::fill(acc.begin(), acc.end(), 0.0);
                    for (int p = 0; p < k; p++)
                    {
                        const float* col = A + static_cast<long long>(p) * lda;
                        for (int i = 0; i < m; i++)
                        {
                            acc[i] += value(col[i]) * column[p];
                        }
                    }
                }
                else
                {
                    for (int i = 0; i < m; i++)
                    {
                        const float* row = A + static_cast<long long>(i) * lda;
                        double s = 0;
                        for (int p = 0; p < k; p++)
                        {
                            s += value(row[p]) * column[p];
                        }
                        acc[i] = s;
                    }
                }
                float* out = C + static_cast<long long>(j) * ldc;
                for (int i = 0; i < m; i++)
                {
                    out[i] = static_cast<float>(alpha * acc[i] + (beta == 0.0f ? 0.0 : static_cast<double>(beta) * out[i]));
                }
            }
        }
    }
};

// Floats spanned by a column-major rows x cols matrix with leading dimension ld, repeated batch times.
size_t extent(int rows, int cols, int ld, long long stride, int batch)
{
    return static_cast<size_t>((static_cast<long long>(cols) - 1) * ld + rows + (static_cast<long long>(batch) - 1) * stride);
}

cublasStatus_t gemm(const char* call, cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k, const float* alpha,
    const float* A, int lda, long long sa, const float* B, int ldb, long long sb, const float* beta, float* C, int ldc, long long sc, int batch,
    bool fast_tf32)
{
    if (cublasStatus_t s = live_handle(call, h); s != CUBLAS_STATUS_SUCCESS)
    {
        return s;
    }
    Context* context = h->context;
    if (current_context() != context)
    {
        return blas_fail(call, CUBLAS_STATUS_EXECUTION_FAILED, "the handle's context is not current on this thread");
    }
    if (context->sticky != CUDA_SUCCESS)
    {
        return blas_fail(call, CUBLAS_STATUS_EXECUTION_FAILED, "the context is broken: %s", context->sticky_reason.c_str());
    }
    auto op_ok = [](cublasOperation_t t) { return t == CUBLAS_OP_N || t == CUBLAS_OP_T || t == CUBLAS_OP_C; };
    int rows_a = ta == CUBLAS_OP_N ? m : k;
    int rows_b = tb == CUBLAS_OP_N ? k : n;
    if (!op_ok(ta) || !op_ok(tb) || m < 0 || n < 0 || k < 0 || batch < 0 || lda < std::max(1, rows_a) || ldb < std::max(1, rows_b) ||
        ldc < std::max(1, m) || alpha == nullptr || beta == nullptr || sa < 0 || sb < 0 || sc < 0)
    {
        return blas_fail(call, CUBLAS_STATUS_INVALID_VALUE, "m=%d n=%d k=%d lda=%d ldb=%d ldc=%d batch=%d: a size, leading dimension, stride or scalar pointer is invalid", m,
            n, k, lda, ldb, ldc, batch);
    }
    if (m == 0 || n == 0 || batch == 0)
    {
        return CUBLAS_STATUS_SUCCESS;
    }
    if (!h->stream->live)
    {
        return blas_fail(call, CUBLAS_STATUS_INVALID_VALUE, "the handle's stream was destroyed");
    }
    Work w;
    w.kind = Work::Kind::Library;
    w.what = format("%s m=%d n=%d k=%d batch=%d", call, m, n, k, batch);
    auto c_begin = reinterpret_cast<std::uintptr_t>(C);
    size_t c_bytes = extent(m, n, ldc, sc, batch) * sizeof(float);
    w.accesses.push_back({c_begin, c_bytes, true, "matrix C"});
    if (k > 0)
    {
        int cols_a = ta == CUBLAS_OP_N ? k : m;
        int cols_b = tb == CUBLAS_OP_N ? n : k;
        for (auto [pointer, bytes, role] : {std::tuple{reinterpret_cast<std::uintptr_t>(A), extent(rows_a, cols_a, lda, sa, batch) * sizeof(float), "matrix A"},
                 std::tuple{reinterpret_cast<std::uintptr_t>(B), extent(rows_b, cols_b, ldb, sb, batch) * sizeof(float), "matrix B"}})
        {
            if (pointer < c_begin + c_bytes && c_begin < pointer + bytes)
            {
                return blas_fail(call, CUBLAS_STATUS_INVALID_VALUE, "matrix C overlaps %s: cuBLAS does not compute in place", role);
            }
            w.accesses.push_back({pointer, bytes, false, role});
        }
    }
    Gemm g{ta, tb, m, n, k, *alpha, *beta, A, lda, sa, B, ldb, sb, C, ldc, sc, batch, fast_tf32 || h->math == CUBLAS_TF32_TENSOR_OP_MATH};
    w.body = [g] { g.run(); };
    if (submit(call, h->stream, std::move(w)) != CUDA_SUCCESS)
    {
        return blas_fail(call, CUBLAS_STATUS_EXECUTION_FAILED, "the driver refused the work (see above)");
    }
    return CUBLAS_STATUS_SUCCESS;
}
} // namespace

cublasStatus_t cublasCreate_v2(cublasHandle_t* handle)
{
    BLAS("cublasCreate_v2");
    Context* context = current_context();
    if (handle == nullptr)
    {
        return blas_fail(call, CUBLAS_STATUS_INVALID_VALUE, "null output");
    }
    if (context == nullptr || !context->live || context->sticky != CUDA_SUCCESS)
    {
        return blas_fail(call, CUBLAS_STATUS_NOT_INITIALIZED, "no usable context is current on this thread (the mock needs one current)");
    }
    auto* h = new cublasContext();
    h->context = context;
    h->stream = &context->legacy;
    g_handles.insert(h);
    *handle = h;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)
{
    BLAS("cublasDestroy_v2");
    if (cublasStatus_t s = live_handle(call, handle); s != CUBLAS_STATUS_SUCCESS)
    {
        return s;
    }
    handle->live = false;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int* version)
{
    BLAS("cublasGetVersion_v2");
    if (cublasStatus_t s = live_handle(call, handle); s != CUBLAS_STATUS_SUCCESS)
    {
        return s;
    }
    if (version == nullptr)
    {
        return blas_fail(call, CUBLAS_STATUS_INVALID_VALUE, "null output");
    }
    *version = 120900;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasGetProperty(libraryPropertyType type, int* value)
{
    if (value == nullptr || type < MAJOR_VERSION || type > PATCH_LEVEL)
    {
        return blas_fail("cublasGetProperty", CUBLAS_STATUS_INVALID_VALUE, "null output or unknown property %d", static_cast<int>(type));
    }
    *value = type == MAJOR_VERSION ? 12 : type == MINOR_VERSION ? 9 : 0;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t stream)
{
    BLAS("cublasSetStream_v2");
    if (cublasStatus_t s = live_handle(call, handle); s != CUBLAS_STATUS_SUCCESS)
    {
        return s;
    }
    Stream* resolved = nullptr;
    if (resolve_stream(call, stream, handle->context, resolved) != CUDA_SUCCESS)
    {
        return blas_fail(call, CUBLAS_STATUS_INVALID_VALUE, "the stream is not usable with this handle's context (see above)");
    }
    handle->stream = resolved;
    handle->user_workspace = false; // as documented: setting a stream resets the workspace to the default pool
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode)
{
    BLAS("cublasSetMathMode");
    if (cublasStatus_t s = live_handle(call, handle); s != CUBLAS_STATUS_SUCCESS)
    {
        return s;
    }
    int base = static_cast<int>(mode) & ~CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION;
    if (base < CUBLAS_DEFAULT_MATH || base > CUBLAS_TF32_TENSOR_OP_MATH)
    {
        return blas_fail(call, CUBLAS_STATUS_INVALID_VALUE, "math mode %d", static_cast<int>(mode));
    }
    handle->math = base;
    return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetWorkspace_v2(cublasHandle_t handle, void* workspace, size_t bytes)
{
    BLAS("cublasSetWorkspace_v2");
    if (cublasStatus_t s = live_handle(call, handle); s != CUBLAS_STATUS_SUCCESS)
    {
        return s;
    }
    if (bytes > 0)
    {
        std::string why;
        Allocation* a = live_range(reinterpret_cast<std::uintptr_t>(workspace), bytes, why);
        if (a == nullptr || a->context != handle->context)
        {
            return blas_fail(call, CUBLAS_STATUS_INVALID_VALUE, "the workspace is not device memory of the handle's context: %s",
                a == nullptr ? why.c_str() : "another context's allocation");
        }
    }
    handle->user_workspace = bytes > 0;
    return CUBLAS_STATUS_SUCCESS;
}

const char* cublasGetStatusString(cublasStatus_t status)
{
    switch (status)
    {
    case CUBLAS_STATUS_SUCCESS: return "success";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "the library was not initialized";
    case CUBLAS_STATUS_ALLOC_FAILED: return "a resource allocation failed";
    case CUBLAS_STATUS_INVALID_VALUE: return "an unsupported value or parameter was passed";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "the device does not support the operation";
    case CUBLAS_STATUS_MAPPING_ERROR: return "access to GPU memory failed";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "the GPU program failed to execute";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "an internal operation failed";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "the functionality requested is not supported";
    case CUBLAS_STATUS_LICENSE_ERROR: return "license error";
    }
    return "unknown status";
}

cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const float* alpha,
    const float* A, int lda, const float* B, int ldb, const float* beta, float* C, int ldc)
{
    BLAS("cublasSgemm_v2");
    return gemm(call, handle, transa, transb, m, n, k, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1, false);
}

cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
    const float* alpha, const float* A, int lda, long long strideA, const float* B, int ldb, long long strideB, const float* beta, float* C, int ldc,
    long long strideC, int batchCount)
{
    BLAS("cublasSgemmStridedBatched");
    return gemm(call, handle, transa, transb, m, n, k, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC, batchCount, false);
}

cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k, const void* alpha,
    const void* A, cudaDataType Atype, int lda, const void* B, cudaDataType Btype, int ldb, const void* beta, void* C, cudaDataType Ctype, int ldc,
    cublasComputeType_t computeType, cublasGemmAlgo_t)
{
    BLAS("cublasGemmEx");
    bool fp32 = Atype == CUDA_R_32F && Btype == CUDA_R_32F && Ctype == CUDA_R_32F;
    if (!fp32 || (computeType != CUBLAS_COMPUTE_32F && computeType != CUBLAS_COMPUTE_32F_PEDANTIC && computeType != CUBLAS_COMPUTE_32F_FAST_TF32))
    {
        return blas_fail(call, CUBLAS_STATUS_NOT_SUPPORTED, "the mock implements float32 operands with 32F compute types only");
    }
    return gemm(call, handle, transa, transb, m, n, k, static_cast<const float*>(alpha), static_cast<const float*>(A), lda, 0,
        static_cast<const float*>(B), ldb, 0, static_cast<const float*>(beta), static_cast<float*>(C), ldc, 0, 1,
        computeType == CUBLAS_COMPUTE_32F_FAST_TF32);
}
