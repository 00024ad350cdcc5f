// driver_api.cpp - the driver entry points of libcuda.so.1 (mock). Each takes the big lock, checks its
// arguments as the driver documents, and either answers, queues work on a stream (see mock_streams.cpp)
// or runs what the host waits for.
#include "mock.h"

#include <cstring>
#include <memory>

using namespace cuda_mock;

extern "C" const char rexnet_cuda_mock[] = "RexNet mock CUDA driver: kernels run in the host emulation of kernels/*.cu";

namespace
{
constexpr int DriverVersion = 13000;
constexpr int MaxSharedPerBlock = 48 * 1024;
constexpr int MaxSharedPerBlockOptin = 227 * 1024;

#define API(name)                                                  \
    std::lock_guard<std::recursive_mutex> api_lock_(big_lock()); \
    const char* const call = name

#define TRY(expression)                  \
    do                                   \
    {                                    \
        CUresult status_ = (expression); \
        if (status_ != CUDA_SUCCESS)     \
            return status_;              \
    } while (0)

CUresult finish(Context* context) { return context->sticky; }

CUresult need_init(const char* call)
{
    return initialized() ? CUDA_SUCCESS : fail(call, CUDA_ERROR_NOT_INITIALIZED, "cuInit has not been called");
}

CUresult live_context(const char* call, CUcontext handle, Context*& context)
{
    context = find_context(handle);
    return context != nullptr && context->live
        ? CUDA_SUCCESS
        : fail(call, CUDA_ERROR_INVALID_CONTEXT, "context %p %s", static_cast<void*>(handle), context == nullptr ? "is not a context" : "was destroyed");
}

// The device an ordinal argument names, after cuInit.
CUresult device_arg(const char* call, CUdevice ordinal, Device*& d)
{
    TRY(need_init(call));
    d = device(ordinal);
    return d != nullptr ? CUDA_SUCCESS
                        : fail(call, CUDA_ERROR_INVALID_DEVICE, "ordinal %d, but there are %zu mock devices (REXNET_CUDA_MOCK_DEVICES)", ordinal,
                              devices().size());
}

// The same, for a call that also writes through `output`.
CUresult device_arg(const char* call, CUdevice ordinal, const void* output, Device*& d)
{
    TRY(device_arg(call, ordinal, d));
    return output != nullptr ? CUDA_SUCCESS : fail(call, CUDA_ERROR_INVALID_VALUE, "null output");
}

// Device memory named by a CUdeviceptr: a live allocation of this context, or page-locked host memory.
CUresult device_range(const char* call, Context* context, CUdeviceptr pointer, size_t bytes, const char* role)
{
    std::string why;
    Allocation* a = live_range(pointer, bytes, why);
    if (a == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "the %s: %s", role, why.c_str());
    }
    if (a->context != nullptr && a->context != context)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "the %s is device %d's memory, not the current context's (device %d)", role,
            a->context->device->ordinal, context->device->ordinal);
    }
    return CUDA_SUCCESS;
}

// A host pointer: page-locked (inside the mock's range: must be a live cuMemHostAlloc range) or pageable.
CUresult host_range(const char* call, const void* pointer, size_t bytes, const char* role, bool& pinned)
{
    auto address = reinterpret_cast<std::uintptr_t>(pointer);
    pinned = in_mock_range(address);
    if (pointer == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "the %s is null", role);
    }
    if (!pinned)
    {
        return CUDA_SUCCESS;
    }
    std::string why;
    Allocation* a = live_range(address, bytes, why);
    if (a == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "the %s: %s", role, why.c_str());
    }
    if (!a->host)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "the %s is device memory (allocation #%llu), not host memory", role,
            static_cast<unsigned long long>(a->id));
    }
    return CUDA_SUCCESS;
}

Work copy_work(std::string what, CUdeviceptr dst, std::uintptr_t src, size_t bytes, bool dst_checked, bool src_checked)
{
    Work w;
    w.kind = Work::Kind::Copy;
    w.what = std::move(what);
    if (dst_checked)
    {
        w.accesses.push_back({static_cast<std::uintptr_t>(dst), bytes, true, "destination"});
    }
    if (src_checked)
    {
        w.accesses.push_back({src, bytes, false, "source"});
    }
    w.body = [dst, src, bytes] { std::memmove(reinterpret_cast<void*>(dst), reinterpret_cast<const void*>(src), bytes); };
    return w;
}

// Host-to-device: pageable memory is read at the call (the driver stages it), page-locked memory when the copy runs.
CUresult copy_in(const char* call, Context* context, Stream* stream, CUdeviceptr dst, const void* src, size_t bytes, bool synchronous)
{
    bool pinned = false;
    TRY(device_range(call, context, dst, bytes, "destination"));
    TRY(host_range(call, src, bytes, "source", pinned));
    if (stream->capture && !pinned)
    {
        return fail(call, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "a copy from pageable host memory cannot be captured into a graph");
    }
    std::string what = format("%s of %zu bytes to 0x%llx", call, bytes, dst);
    Work w;
    if (pinned)
    {
        w = copy_work(what, dst, reinterpret_cast<std::uintptr_t>(src), bytes, true, true);
    }
    else
    {
        auto staged = std::make_shared<std::vector<unsigned char>>(static_cast<const unsigned char*>(src), static_cast<const unsigned char*>(src) + bytes);
        w.kind = Work::Kind::Copy;
        w.what = what;
        w.accesses.push_back({static_cast<std::uintptr_t>(dst), bytes, true, "destination"});
        w.body = [dst, staged] { std::memcpy(reinterpret_cast<void*>(dst), staged->data(), staged->size()); };
    }
    std::uint64_t seq = 0;
    TRY(submit(call, stream, std::move(w), &seq));
    // From page-locked memory the synchronous copy returns when done; from pageable memory once staged.
    if (synchronous && pinned)
    {
        drain(stream, seq);
    }
    return finish(context);
}

// Device-to-host: returns only when done for pageable memory (and for the synchronous call).
CUresult copy_out(const char* call, Context* context, Stream* stream, void* dst, CUdeviceptr src, size_t bytes, bool synchronous)
{
    bool pinned = false;
    TRY(device_range(call, context, src, bytes, "source"));
    TRY(host_range(call, dst, bytes, "destination", pinned));
    if (stream->capture && !pinned)
    {
        return fail(call, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "a copy to pageable host memory cannot be captured into a graph");
    }
    std::uint64_t seq = 0;
    TRY(submit(call, stream, copy_work(format("%s of %zu bytes from 0x%llx", call, bytes, src), reinterpret_cast<std::uintptr_t>(dst), src, bytes, pinned, true), &seq));
    if (synchronous || !pinned)
    {
        drain(stream, seq);
    }
    return finish(context);
}

CUresult copy_device(const char* call, Context* context, Stream* stream, CUdeviceptr dst, CUdeviceptr src, size_t bytes)
{
    TRY(device_range(call, context, dst, bytes, "destination"));
    TRY(device_range(call, context, src, bytes, "source"));
    TRY(submit(call, stream, copy_work(format("%s of %zu bytes", call, bytes), dst, src, bytes, true, true)));
    return finish(context);
}

CUresult fill(const char* call, Context* context, Stream* stream, CUdeviceptr dst, std::uint32_t value, size_t count, size_t width, bool synchronous)
{
    if (width == 4 && dst % 4 != 0)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "0x%llx is not 4-byte aligned", dst);
    }
    TRY(device_range(call, context, dst, count * width, "destination"));
    Work w;
    w.kind = Work::Kind::Fill;
    w.what = format("%s of %zu x %zu bytes at 0x%llx", call, count, width, dst);
    w.accesses.push_back({static_cast<std::uintptr_t>(dst), count * width, true, "destination"});
    w.body = [dst, value, count, width] {
        if (width == 1)
        {
            std::memset(reinterpret_cast<void*>(dst), static_cast<int>(value & 0xff), count);
        }
        else
        {
            auto* words = reinterpret_cast<std::uint32_t*>(dst);
            for (size_t i = 0; i < count; i++)
            {
                words[i] = value;
            }
        }
    };
    std::uint64_t seq = 0;
    TRY(submit(call, stream, std::move(w), &seq));
    // Synchronous fills are asynchronous to the host unless they write page-locked host memory.
    std::string why;
    if (synchronous && live_range(dst, 1, why)->host)
    {
        drain(stream, seq);
    }
    return finish(context);
}

CUresult stream_for(const char* call, Context*& context, CUstream handle, Stream*& stream)
{
    TRY(usable(call, context));
    return resolve_stream(call, handle, context, stream);
}

// Synchronous calls run on the legacy stream and are refused while a capture forbids them.
CUresult legacy_for(const char* call, Context*& context, Stream*& stream)
{
    TRY(usable(call, context));
    TRY(refuse_during_capture(call, context));
    stream = &context->legacy;
    return CUDA_SUCCESS;
}

int attribute(const Device& d, CUdevice_attribute a, bool& known)
{
    known = true;
    switch (a)
    {
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK: return 1024;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X: return 1024;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y: return 1024;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z: return 64;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X: return 2147483647;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y: return 65535;
    case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z: return 65535;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK: return MaxSharedPerBlock;
    case CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY: return 65536;
    case CU_DEVICE_ATTRIBUTE_WARP_SIZE: return 32;
    case CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK: return 65536;
    case CU_DEVICE_ATTRIBUTE_CLOCK_RATE: return 1980000;
    case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: return 132;
    case CU_DEVICE_ATTRIBUTE_KERNEL_EXEC_TIMEOUT: return 0;
    case CU_DEVICE_ATTRIBUTE_INTEGRATED: return 0;
    case CU_DEVICE_ATTRIBUTE_ECC_ENABLED: return 1;
    case CU_DEVICE_ATTRIBUTE_PCI_BUS_ID: return 0x10 + d.ordinal;
    case CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID: return 0;
    case CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE: return 2619000;
    case CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH: return 5120;
    case CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE: return 50 << 20;
    case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR: return 2048;
    case CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING: return 1;
    case CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID: return 0;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: return d.major;
    case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: return d.minor;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR: return 228 * 1024;
    case CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR: return 65536;
    case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: return MaxSharedPerBlockOptin;
    case CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR: return 32;
    }
    known = false;
    return 0;
}
} // namespace

// --- initialisation, version, errors
CUresult cuInit(unsigned int flags)
{
    API("cuInit");
    if (flags != 0)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "flags must be 0, got %u", flags);
    }
    return initialize();
}

CUresult cuDriverGetVersion(int* version)
{
    API("cuDriverGetVersion");
    if (version == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "null output");
    }
    *version = DriverVersion;
    return CUDA_SUCCESS;
}

CUresult cuGetErrorName(CUresult error, const char** name)
{
    if (name == nullptr || !known_error(error))
    {
        if (name != nullptr)
        {
            *name = nullptr;
        }
        return CUDA_ERROR_INVALID_VALUE;
    }
    *name = error_name(error);
    return CUDA_SUCCESS;
}

CUresult cuGetErrorString(CUresult error, const char** description)
{
    if (description == nullptr || !known_error(error))
    {
        if (description != nullptr)
        {
            *description = nullptr;
        }
        return CUDA_ERROR_INVALID_VALUE;
    }
    *description = error_description(error);
    return CUDA_SUCCESS;
}

// --- devices
CUresult cuDeviceGetCount(int* count)
{
    API("cuDeviceGetCount");
    TRY(need_init(call));
    if (count == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "null output");
    }
    *count = static_cast<int>(devices().size());
    return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice* result, int ordinal)
{
    API("cuDeviceGet");
    Device* d = nullptr;
    TRY(device_arg(call, ordinal, result, d));
    *result = ordinal;
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char* name, int length, CUdevice ordinal)
{
    API("cuDeviceGetName");
    Device* d = nullptr;
    TRY(device_arg(call, ordinal, name, d));
    if (length <= 0)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "the name buffer is empty");
    }
    std::snprintf(name, static_cast<size_t>(length), "%s", d->name.c_str());
    return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int* value, CUdevice_attribute attribute_code, CUdevice ordinal)
{
    API("cuDeviceGetAttribute");
    Device* d = nullptr;
    TRY(device_arg(call, ordinal, value, d));
    bool known = false;
    int v = attribute(*d, attribute_code, known);
    if (!known)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "attribute %d is not one the mock knows", static_cast<int>(attribute_code));
    }
    *value = v;
    return CUDA_SUCCESS;
}

CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice ordinal)
{
    API("cuDeviceTotalMem_v2");
    Device* d = nullptr;
    TRY(device_arg(call, ordinal, bytes, d));
    *bytes = d->total_bytes;
    return CUDA_SUCCESS;
}

// --- contexts
CUresult cuDevicePrimaryCtxRetain(CUcontext* context, CUdevice ordinal)
{
    API("cuDevicePrimaryCtxRetain");
    Device* d = nullptr;
    TRY(device_arg(call, ordinal, context, d));
    *context = reinterpret_cast<CUcontext>(retain_primary(*d));
    return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice ordinal)
{
    API("cuDevicePrimaryCtxRelease_v2");
    Device* d = nullptr;
    TRY(device_arg(call, ordinal, d));
    if (d->retains == 0)
    {
        return fail(call, CUDA_ERROR_INVALID_CONTEXT, "device %d's primary context is not retained", ordinal);
    }
    release_primary(*d);
    return CUDA_SUCCESS;
}

CUresult cuCtxSetCurrent(CUcontext handle)
{
    API("cuCtxSetCurrent");
    TRY(need_init(call));
    Context* context = nullptr;
    if (handle != nullptr)
    {
        TRY(live_context(call, handle, context));
    }
    set_current(context);
    return CUDA_SUCCESS;
}

CUresult cuCtxPushCurrent_v2(CUcontext handle)
{
    API("cuCtxPushCurrent_v2");
    TRY(need_init(call));
    Context* context = nullptr;
    TRY(live_context(call, handle, context));
    push_current(context);
    return CUDA_SUCCESS;
}

CUresult cuCtxPopCurrent_v2(CUcontext* handle)
{
    API("cuCtxPopCurrent_v2");
    TRY(need_init(call));
    if (current_context() == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_CONTEXT, "no context is current on this thread");
    }
    Context* top = pop_current();
    if (handle != nullptr)
    {
        *handle = reinterpret_cast<CUcontext>(top);
    }
    return CUDA_SUCCESS;
}

CUresult cuCtxSynchronize(void)
{
    API("cuCtxSynchronize");
    Context* context = nullptr;
    TRY(usable(call, context));
    TRY(check_no_capture_in_context(call, context));
    drain_all(context);
    return finish(context);
}

CUresult cuMemGetInfo_v2(size_t* free, size_t* total)
{
    API("cuMemGetInfo_v2");
    Context* context = nullptr;
    TRY(usable(call, context));
    if (free == nullptr || total == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "null output");
    }
    const Device& d = *context->device;
    *total = d.total_bytes;
    *free = d.total_bytes - d.used_bytes;
    return CUDA_SUCCESS;
}

// --- streams and events
CUresult cuStreamCreate(CUstream* stream, unsigned int flags)
{
    API("cuStreamCreate");
    Context* context = nullptr;
    TRY(usable(call, context));
    if (stream == nullptr || (flags & ~static_cast<unsigned>(CU_STREAM_NON_BLOCKING)) != 0)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "null output or unknown flags 0x%x", flags);
    }
    *stream = reinterpret_cast<CUstream>(create_stream(context, flags));
    return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(CUstream handle)
{
    API("cuStreamDestroy_v2");
    TRY(need_init(call));
    Stream* s = find_stream(handle);
    if (s == nullptr || !s->live)
    {
        return fail(call, CUDA_ERROR_INVALID_HANDLE, "stream %p %s", static_cast<void*>(handle), s == nullptr ? "is not a stream" : "was already destroyed");
    }
    if (s->capture)
    {
        fail(call, CUDA_ERROR_ILLEGAL_STATE, "%s is destroyed while capturing; the capture is discarded", s->label().c_str());
        s->capture.reset();
    }
    // Work still queued completes first, as the driver lets it.
    drain(s, UINT64_MAX);
    s->live = false;
    return finish(s->context);
}

CUresult cuStreamSynchronize(CUstream handle)
{
    API("cuStreamSynchronize");
    Context* context = nullptr;
    Stream* s = nullptr;
    TRY(stream_for(call, context, handle, s));
    if (s->capture)
    {
        invalidate_capture(s, "cuStreamSynchronize on the capturing stream");
        return fail(call, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "%s is capturing: it cannot be synchronised (the capture is invalidated)",
            s->label().c_str());
    }
    if (s->legacy)
    {
        TRY(check_no_capture_in_context(call, context));
    }
    drain(s, UINT64_MAX);
    return finish(context);
}

CUresult cuEventCreate(CUevent* event, unsigned int flags)
{
    API("cuEventCreate");
    Context* context = nullptr;
    TRY(usable(call, context));
    if (event == nullptr || (flags & ~static_cast<unsigned>(CU_EVENT_BLOCKING_SYNC | CU_EVENT_DISABLE_TIMING | CU_EVENT_INTERPROCESS)) != 0)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "null output or unknown flags 0x%x", flags);
    }
    if ((flags & CU_EVENT_INTERPROCESS) != 0)
    {
        return fail(call, CUDA_ERROR_NOT_SUPPORTED, "interprocess events are not implemented by the mock");
    }
    *event = reinterpret_cast<CUevent>(create_event(context, flags));
    return CUDA_SUCCESS;
}

CUresult cuEventDestroy_v2(CUevent handle)
{
    API("cuEventDestroy_v2");
    TRY(need_init(call));
    Event* e = find_event(handle);
    if (e == nullptr || !e->live)
    {
        return fail(call, CUDA_ERROR_INVALID_HANDLE, "event %p %s", static_cast<void*>(handle), e == nullptr ? "is not an event" : "was already destroyed");
    }
    if (e->stream != nullptr && e->stream->live)
    {
        drain(e->stream, e->seq);
    }
    e->live = false;
    return finish(e->context);
}

static CUresult live_event(const char* call, Context* context, CUevent handle, Event*& e)
{
    e = find_event(handle);
    if (e == nullptr || !e->live)
    {
        return fail(call, CUDA_ERROR_INVALID_HANDLE, "event %p %s", static_cast<void*>(handle), e == nullptr ? "is not an event" : "was destroyed");
    }
    if (e->context != context)
    {
        return fail(call, CUDA_ERROR_INVALID_HANDLE, "event %p belongs to another context", static_cast<void*>(handle));
    }
    return CUDA_SUCCESS;
}

CUresult cuEventRecord(CUevent handle, CUstream stream_handle)
{
    API("cuEventRecord");
    Context* context = nullptr;
    Stream* s = nullptr;
    Event* e = nullptr;
    TRY(stream_for(call, context, stream_handle, s));
    TRY(live_event(call, context, handle, e));
    e->generation++;
    e->captured = static_cast<bool>(s->capture);
    if (s->capture)
    {
        // Inside a capture the record only marks a point of the graph; nothing runs.
        return s->capture->invalidated.empty() ? CUDA_SUCCESS
                                               : fail(call, CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, "%s", s->capture->invalidated.c_str());
    }
    Work w;
    w.kind = Work::Kind::EventRecord;
    w.what = "cuEventRecord";
    w.event = e;
    w.event_generation = e->generation;
    e->stream = s;
    TRY(submit(call, s, std::move(w), &e->seq));
    return CUDA_SUCCESS;
}

CUresult cuEventSynchronize(CUevent handle)
{
    API("cuEventSynchronize");
    Context* context = nullptr;
    Event* e = nullptr;
    TRY(usable(call, context));
    TRY(live_event(call, context, handle, e));
    if (e->captured)
    {
        return fail(call, CUDA_ERROR_CAPTURED_EVENT, "the event was last recorded inside a capture");
    }
    if (e->completed < e->generation)
    {
        drain(e->stream, e->seq);
    }
    return finish(context);
}

CUresult cuEventElapsedTime(float* milliseconds, CUevent start_handle, CUevent end_handle)
{
    API("cuEventElapsedTime");
    Context* context = nullptr;
    Event* start = nullptr;
    Event* end = nullptr;
    TRY(usable(call, context));
    TRY(live_event(call, context, start_handle, start));
    TRY(live_event(call, context, end_handle, end));
    if (milliseconds == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "null output");
    }
    if (((start->flags | end->flags) & CU_EVENT_DISABLE_TIMING) != 0)
    {
        return fail(call, CUDA_ERROR_INVALID_HANDLE, "an event was created with CU_EVENT_DISABLE_TIMING");
    }
    if (start->captured || end->captured)
    {
        return fail(call, CUDA_ERROR_CAPTURED_EVENT, "an event was last recorded inside a capture");
    }
    if (start->generation == 0 || end->generation == 0)
    {
        return fail(call, CUDA_ERROR_INVALID_HANDLE, "an event was never recorded");
    }
    if (start->completed < start->generation || end->completed < end->generation)
    {
        return CUDA_ERROR_NOT_READY;
    }
    *milliseconds = static_cast<float>(end->time_ms - start->time_ms);
    return CUDA_SUCCESS;
}

// --- memory
CUresult cuMemAlloc_v2(CUdeviceptr* pointer, size_t bytes)
{
    API("cuMemAlloc_v2");
    Context* context = nullptr;
    TRY(usable(call, context));
    TRY(refuse_during_capture(call, context));
    if (pointer == nullptr || bytes == 0)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "null output or zero bytes");
    }
    Device& d = *context->device;
    if (bytes > d.total_bytes - d.used_bytes)
    {
        return fail(call, CUDA_ERROR_OUT_OF_MEMORY, "%zu bytes asked, %zu free of %zu (REXNET_CUDA_MOCK_MEMORY_MB)", bytes,
            d.total_bytes - d.used_bytes, d.total_bytes);
    }
    Allocation* a = allocate(context, &d, bytes, false);
    if (a == nullptr)
    {
        return fail(call, CUDA_ERROR_OUT_OF_MEMORY, "the mock's address range cannot map %zu more bytes", bytes);
    }
    *pointer = a->base;
    return CUDA_SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr pointer)
{
    API("cuMemFree_v2");
    TRY(need_init(call));
    Context* context = current_context();
    if (context == nullptr || !context->live)
    {
        return fail(call, CUDA_ERROR_INVALID_CONTEXT, "no live context is current on this thread");
    }
    TRY(refuse_during_capture(call, context));
    Allocation* a = allocation_near(pointer);
    if (a == nullptr || a->host || a->base != pointer || !a->live)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "0x%llx is not the start of a live device allocation%s", pointer,
            a != nullptr && !a->live && a->base == pointer ? " (double free)" : "");
    }
    // Freeing waits for the device, as cuMemFree does: queued work using the memory runs first.
    drain_all(a->context);
    release(*a);
    return finish(context);
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr destination, const void* source, size_t bytes)
{
    API("cuMemcpyHtoD_v2");
    Context* context = nullptr;
    Stream* s = nullptr;
    TRY(legacy_for(call, context, s));
    return bytes == 0 ? CUDA_SUCCESS : copy_in(call, context, s, destination, source, bytes, true);
}

CUresult cuMemcpyDtoH_v2(void* destination, CUdeviceptr source, size_t bytes)
{
    API("cuMemcpyDtoH_v2");
    Context* context = nullptr;
    Stream* s = nullptr;
    TRY(legacy_for(call, context, s));
    return bytes == 0 ? CUDA_SUCCESS : copy_out(call, context, s, destination, source, bytes, true);
}

CUresult cuMemcpyDtoD_v2(CUdeviceptr destination, CUdeviceptr source, size_t bytes)
{
    API("cuMemcpyDtoD_v2");
    Context* context = nullptr;
    Stream* s = nullptr;
    TRY(legacy_for(call, context, s));
    return bytes == 0 ? CUDA_SUCCESS : copy_device(call, context, s, destination, source, bytes);
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr destination, const void* source, size_t bytes, CUstream stream)
{
    API("cuMemcpyHtoDAsync_v2");
    Context* context = nullptr;
    Stream* s = nullptr;
    TRY(stream_for(call, context, stream, s));
    return bytes == 0 ? CUDA_SUCCESS : copy_in(call, context, s, destination, source, bytes, false);
}

CUresult cuMemcpyDtoHAsync_v2(void* destination, CUdeviceptr source, size_t bytes, CUstream stream)
{
    API("cuMemcpyDtoHAsync_v2");
    Context* context = nullptr;
    Stream* s = nullptr;
    TRY(stream_for(call, context, stream, s));
    return bytes == 0 ? CUDA_SUCCESS : copy_out(call, context, s, destination, source, bytes, false);
}

CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr destination, CUdeviceptr source, size_t bytes, CUstream stream)
{
    API("cuMemcpyDtoDAsync_v2");
    Context* context = nullptr;
    Stream* s = nullptr;
    TRY(stream_for(call, context, stream, s));
    return bytes == 0 ? CUDA_SUCCESS : copy_device(call, context, s, destination, source, bytes);
}

CUresult cuMemsetD8_v2(CUdeviceptr destination, unsigned char value, size_t count)
{
    API("cuMemsetD8_v2");
    Context* context = nullptr;
    Stream* s = nullptr;
    TRY(legacy_for(call, context, s));
    return count == 0 ? CUDA_SUCCESS : fill(call, context, s, destination, value, count, 1, true);
}

CUresult cuMemsetD32_v2(CUdeviceptr destination, unsigned int value, size_t count)
{
    API("cuMemsetD32_v2");
    Context* context = nullptr;
    Stream* s = nullptr;
    TRY(legacy_for(call, context, s));
    return count == 0 ? CUDA_SUCCESS : fill(call, context, s, destination, value, count, 4, true);
}

CUresult cuMemsetD8Async(CUdeviceptr destination, unsigned char value, size_t count, CUstream stream)
{
    API("cuMemsetD8Async");
    Context* context = nullptr;
    Stream* s = nullptr;
    TRY(stream_for(call, context, stream, s));
    return count == 0 ? CUDA_SUCCESS : fill(call, context, s, destination, value, count, 1, false);
}

CUresult cuMemsetD32Async(CUdeviceptr destination, unsigned int value, size_t count, CUstream stream)
{
    API("cuMemsetD32Async");
    Context* context = nullptr;
    Stream* s = nullptr;
    TRY(stream_for(call, context, stream, s));
    return count == 0 ? CUDA_SUCCESS : fill(call, context, s, destination, value, count, 4, false);
}

CUresult cuMemHostAlloc(void** pointer, size_t bytes, unsigned int flags)
{
    API("cuMemHostAlloc");
    Context* context = nullptr;
    TRY(usable(call, context));
    TRY(refuse_during_capture(call, context));
    if (pointer == nullptr || bytes == 0 ||
        (flags & ~static_cast<unsigned>(CU_MEMHOSTALLOC_PORTABLE | CU_MEMHOSTALLOC_DEVICEMAP | CU_MEMHOSTALLOC_WRITECOMBINED)) != 0)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "null output, zero bytes or unknown flags 0x%x", flags);
    }
    Allocation* a = allocate(context, context->device, bytes, true);
    if (a == nullptr)
    {
        return fail(call, CUDA_ERROR_OUT_OF_MEMORY, "the mock's address range cannot map %zu more bytes", bytes);
    }
    *pointer = reinterpret_cast<void*>(a->base);
    return CUDA_SUCCESS;
}

CUresult cuMemFreeHost(void* pointer)
{
    API("cuMemFreeHost");
    TRY(need_init(call));
    Context* context = current_context();
    if (context == nullptr || !context->live)
    {
        return fail(call, CUDA_ERROR_INVALID_CONTEXT, "no live context is current on this thread");
    }
    TRY(refuse_during_capture(call, context));
    auto address = reinterpret_cast<std::uintptr_t>(pointer);
    Allocation* a = allocation_near(address);
    if (a == nullptr || !a->host || a->base != address || !a->live)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "%p is not the start of a live page-locked allocation", pointer);
    }
    for (Device& d : devices())
    {
        if (d.primary != nullptr)
        {
            drain_all(d.primary);
        }
    }
    release(*a);
    return finish(context);
}

// --- modules and kernels
CUresult cuModuleLoadData(CUmodule* module, const void* image) { return cuModuleLoadDataEx(module, image, 0, nullptr, nullptr); }

CUresult cuModuleLoadDataEx(CUmodule* module, const void* image, unsigned int option_count, CUjit_option* options, void** values)
{
    API("cuModuleLoadDataEx");
    Context* context = nullptr;
    TRY(usable(call, context));
    TRY(refuse_during_capture(call, context));
    if (module == nullptr || (option_count > 0 && (options == nullptr || values == nullptr)))
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "null output, or options without values");
    }
    char* info_log = nullptr;
    char* error_log = nullptr;
    size_t info_size = 0, error_size = 0;
    for (unsigned i = 0; i < option_count; i++)
    {
        auto value = reinterpret_cast<std::uintptr_t>(values[i]);
        switch (options[i])
        {
        case CU_JIT_INFO_LOG_BUFFER: info_log = static_cast<char*>(values[i]); break;
        case CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES: info_size = value; break;
        case CU_JIT_ERROR_LOG_BUFFER: error_log = static_cast<char*>(values[i]); break;
        case CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES: error_size = value; break;
        case CU_JIT_MAX_REGISTERS:
        case CU_JIT_THREADS_PER_BLOCK:
        case CU_JIT_WALL_TIME:
        case CU_JIT_OPTIMIZATION_LEVEL:
        case CU_JIT_LOG_VERBOSE:
        case CU_JIT_GENERATE_LINE_INFO: break;
        default: return fail(call, CUDA_ERROR_INVALID_VALUE, "JIT option %d is not one the mock knows", static_cast<int>(options[i]));
        }
    }
    std::string log;
    Module* m = nullptr;
    CUresult result = load_module(call, context, image, log, m);
    char* target = result == CUDA_SUCCESS ? info_log : error_log;
    size_t capacity = result == CUDA_SUCCESS ? info_size : error_size;
    if (target != nullptr && capacity > 0)
    {
        std::snprintf(target, capacity, "%s", log.c_str());
    }
    if (result == CUDA_SUCCESS)
    {
        *module = reinterpret_cast<CUmodule>(m);
    }
    return result;
}

CUresult cuModuleUnload(CUmodule handle)
{
    API("cuModuleUnload");
    TRY(need_init(call));
    Module* m = find_module(handle);
    if (m == nullptr || !m->live)
    {
        return fail(call, CUDA_ERROR_INVALID_HANDLE, "module %p %s", static_cast<void*>(handle), m == nullptr ? "is not a module" : "was already unloaded");
    }
    drain_all(m->context);
    m->live = false;
    for (auto& f : m->functions)
    {
        f->live = false;
    }
    return finish(m->context);
}

CUresult cuModuleGetFunction(CUfunction* function, CUmodule handle, const char* name)
{
    API("cuModuleGetFunction");
    Context* context = nullptr;
    TRY(usable(call, context));
    Module* m = find_module(handle);
    if (m == nullptr || !m->live || function == nullptr || name == nullptr)
    {
        return fail(call, m == nullptr || !m->live ? CUDA_ERROR_INVALID_HANDLE : CUDA_ERROR_INVALID_VALUE, "module %p is not loaded, or a null argument",
            static_cast<void*>(handle));
    }
    std::string names;
    for (auto& f : m->functions)
    {
        if (f->name == name)
        {
            if (f->signature.empty())
            {
                return fail(call, CUDA_ERROR_NOT_SUPPORTED,
                    "'%s' is in the module, but the mock's emulation library has no kernel of that name (tests/cuda-mock/build.sh compiles "
                    "kernels/*.cu and tests/cuda-mock/test-kernels/*.cu)",
                    name);
            }
            *function = reinterpret_cast<CUfunction>(f.get());
            return CUDA_SUCCESS;
        }
        names += (names.empty() ? "" : ", ") + f->name;
    }
    return fail(call, CUDA_ERROR_NOT_FOUND, "no entry point '%s' in the module (it has: %s)", name, names.c_str());
}

static CUresult live_function(const char* call, CUfunction handle, Function*& f)
{
    TRY(need_init(call));
    f = find_function(handle);
    if (f == nullptr || !f->live)
    {
        return fail(call, CUDA_ERROR_INVALID_HANDLE, "function %p %s", static_cast<void*>(handle), f == nullptr ? "is not a function" : "belongs to an unloaded module");
    }
    return CUDA_SUCCESS;
}

CUresult cuFuncGetAttribute(int* value, CUfunction_attribute attribute_code, CUfunction handle)
{
    API("cuFuncGetAttribute");
    Function* f = nullptr;
    TRY(live_function(call, handle, f));
    if (value == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "null output");
    }
    const Device& d = *f->module->context->device;
    switch (attribute_code)
    {
    case CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK: *value = f->max_threads; break;
    case CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES: *value = f->static_shared; break;
    case CU_FUNC_ATTRIBUTE_CONST_SIZE_BYTES: *value = 0; break;
    case CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES: *value = 0; break;
    case CU_FUNC_ATTRIBUTE_NUM_REGS: *value = f->registers; break;
    case CU_FUNC_ATTRIBUTE_PTX_VERSION: *value = f->module->arch; break;
    case CU_FUNC_ATTRIBUTE_BINARY_VERSION: *value = f->module->from_ptx ? d.major * 10 + d.minor : f->module->arch; break;
    case CU_FUNC_ATTRIBUTE_CACHE_MODE_CA: *value = 0; break;
    case CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES: *value = f->max_dynamic_shared - f->static_shared; break;
    case CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT: *value = -1; break;
    default: return fail(call, CUDA_ERROR_INVALID_VALUE, "function attribute %d is not one the mock knows", static_cast<int>(attribute_code));
    }
    return CUDA_SUCCESS;
}

CUresult cuFuncSetAttribute(CUfunction handle, CUfunction_attribute attribute_code, int value)
{
    API("cuFuncSetAttribute");
    Function* f = nullptr;
    TRY(live_function(call, handle, f));
    if (attribute_code == CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES)
    {
        if (value < 0 || value + f->static_shared > MaxSharedPerBlockOptin)
        {
            return fail(call, CUDA_ERROR_INVALID_VALUE, "%d bytes of dynamic shared memory plus %d static exceed the device's %d", value,
                f->static_shared, MaxSharedPerBlockOptin);
        }
        f->max_dynamic_shared = value + f->static_shared;
        return CUDA_SUCCESS;
    }
    if (attribute_code == CU_FUNC_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT)
    {
        return value >= -1 && value <= 100 ? CUDA_SUCCESS : fail(call, CUDA_ERROR_INVALID_VALUE, "carveout %d is not -1..100", value);
    }
    return fail(call, CUDA_ERROR_INVALID_VALUE, "function attribute %d cannot be set", static_cast<int>(attribute_code));
}

CUresult cuLaunchKernel(CUfunction handle, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by, unsigned int bz,
    unsigned int shared_bytes, CUstream stream_handle, void** params, void** extra)
{
    API("cuLaunchKernel");
    Context* context = nullptr;
    Stream* s = nullptr;
    Function* f = nullptr;
    TRY(stream_for(call, context, stream_handle, s));
    TRY(live_function(call, handle, f));
    if (f->module->context != context)
    {
        return fail(call, CUDA_ERROR_INVALID_HANDLE, "%s was loaded in device %d's context, not the current one", f->name.c_str(),
            f->module->context->device->ordinal);
    }
    unsigned long long threads = static_cast<unsigned long long>(bx) * by * bz;
    if (gx == 0 || gy == 0 || gz == 0 || gx > 2147483647u || gy > 65535 || gz > 65535)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "%s: grid (%u, %u, %u) is outside (1..2^31-1, 1..65535, 1..65535)", f->name.c_str(), gx, gy, gz);
    }
    if (bx == 0 || by == 0 || bz == 0 || bx > 1024 || by > 1024 || bz > 64 || threads > static_cast<unsigned long long>(f->max_threads))
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "%s: block (%u, %u, %u) is not a valid block for it (at most %d threads: launch bounds, registers)",
            f->name.c_str(), bx, by, bz, f->max_threads);
    }
    if (static_cast<int>(shared_bytes) + f->static_shared > f->max_dynamic_shared)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "%s: %u bytes of dynamic shared memory plus %d static exceed its limit of %d", f->name.c_str(),
            shared_bytes, f->static_shared, f->max_dynamic_shared);
    }
    if (shared_bytes > 0)
    {
        return fail(call, CUDA_ERROR_NOT_SUPPORTED, "%s: dynamic shared memory is not implemented by the host emulation", f->name.c_str());
    }
    if (extra != nullptr)
    {
        return fail(call, CUDA_ERROR_NOT_SUPPORTED, "%s: the 'extra' parameter buffer is not implemented by the mock", f->name.c_str());
    }
    if (!f->param_sizes.empty() && params == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "%s takes %zu parameters but kernelParams is null", f->name.c_str(), f->param_sizes.size());
    }
    Work w;
    w.kind = Work::Kind::Kernel;
    w.function = f;
    w.what = format("kernel %s grid (%u, %u, %u) block (%u, %u, %u)", f->name.c_str(), gx, gy, gz, bx, by, bz);
    w.grid[0] = gx, w.grid[1] = gy, w.grid[2] = gz;
    w.block[0] = bx, w.block[1] = by, w.block[2] = bz;
    // As the driver does: copy each parameter's bytes from kernelParams[i], sized by the module.
    w.params.assign(f->param_bytes, 0);
    for (size_t i = 0; i < f->param_sizes.size(); i++)
    {
        if (params[i] == nullptr)
        {
            return fail(call, CUDA_ERROR_INVALID_VALUE, "%s: kernelParams[%zu] is null", f->name.c_str(), i);
        }
        std::memcpy(w.params.data() + f->param_offsets[i], params[i], f->param_sizes[i]);
    }
    TRY(submit(call, s, std::move(w)));
    return CUDA_SUCCESS;
}

// --- capture and graphs
CUresult cuStreamBeginCapture_v2(CUstream handle, CUstreamCaptureMode mode)
{
    API("cuStreamBeginCapture_v2");
    Context* context = nullptr;
    Stream* s = nullptr;
    TRY(stream_for(call, context, handle, s));
    if (s->legacy)
    {
        return fail(call, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "the legacy stream cannot be captured");
    }
    if (mode != CU_STREAM_CAPTURE_MODE_GLOBAL && mode != CU_STREAM_CAPTURE_MODE_THREAD_LOCAL && mode != CU_STREAM_CAPTURE_MODE_RELAXED)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "capture mode %d", static_cast<int>(mode));
    }
    if (s->capture)
    {
        return fail(call, CUDA_ERROR_ILLEGAL_STATE, "%s is already capturing", s->label().c_str());
    }
    s->capture = std::make_unique<Capture>();
    s->capture->mode = mode;
    s->capture->thread = std::this_thread::get_id();
    return CUDA_SUCCESS;
}

CUresult cuStreamEndCapture(CUstream handle, CUgraph* graph)
{
    API("cuStreamEndCapture");
    TRY(need_init(call));
    Stream* s = find_stream(handle);
    if (s == nullptr || !s->live || graph == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "stream %p is not a live stream, or the output is null", static_cast<void*>(handle));
    }
    if (!s->capture)
    {
        return fail(call, CUDA_ERROR_ILLEGAL_STATE, "%s is not capturing", s->label().c_str());
    }
    if (s->capture->mode != CU_STREAM_CAPTURE_MODE_RELAXED && s->capture->thread != std::this_thread::get_id())
    {
        return fail(call, CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD, "the capture on %s was begun by another thread", s->label().c_str());
    }
    std::unique_ptr<Capture> capture = std::move(s->capture);
    *graph = nullptr;
    if (!capture->invalidated.empty())
    {
        return fail(call, CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, "%s", capture->invalidated.c_str());
    }
    *graph = reinterpret_cast<CUgraph>(create_graph(s->context, std::move(capture->nodes)));
    return CUDA_SUCCESS;
}

static CUresult live_graph(const char* call, CUgraph handle, Graph*& g)
{
    g = find_graph(handle);
    return g != nullptr && g->live ? CUDA_SUCCESS
                                   : fail(call, CUDA_ERROR_INVALID_HANDLE, "graph %p %s", static_cast<void*>(handle), g == nullptr ? "is not a graph" : "was destroyed");
}

static CUresult live_exec(const char* call, CUgraphExec handle, GraphExec*& x)
{
    x = find_graph_exec(handle);
    return x != nullptr && x->live ? CUDA_SUCCESS
                                   : fail(call, CUDA_ERROR_INVALID_HANDLE, "executable graph %p %s", static_cast<void*>(handle),
                                         x == nullptr ? "is not an executable graph" : "was destroyed");
}

CUresult cuGraphInstantiateWithFlags(CUgraphExec* exec, CUgraph handle, unsigned long long flags)
{
    API("cuGraphInstantiateWithFlags");
    Context* context = nullptr;
    Graph* g = nullptr;
    TRY(usable(call, context));
    TRY(live_graph(call, handle, g));
    if (exec == nullptr || (flags & ~static_cast<unsigned long long>(CU_GRAPH_INSTANTIATE_FLAG_AUTO_FREE_ON_LAUNCH | CU_GRAPH_INSTANTIATE_FLAG_USE_NODE_PRIORITY)) != 0)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "null output or flags 0x%llx (cuGraphInstantiateWithFlags takes AUTO_FREE_ON_LAUNCH and USE_NODE_PRIORITY)", flags);
    }
    if (g->context != context)
    {
        return fail(call, CUDA_ERROR_INVALID_CONTEXT, "the graph was captured in another context");
    }
    *exec = reinterpret_cast<CUgraphExec>(create_graph_exec(*g));
    return CUDA_SUCCESS;
}

CUresult cuGraphLaunch(CUgraphExec handle, CUstream stream_handle)
{
    API("cuGraphLaunch");
    Context* context = nullptr;
    Stream* s = nullptr;
    GraphExec* x = nullptr;
    TRY(stream_for(call, context, stream_handle, s));
    TRY(live_exec(call, handle, x));
    if (x->context != context)
    {
        return fail(call, CUDA_ERROR_INVALID_CONTEXT, "the executable graph belongs to another context");
    }
    if (s->capture)
    {
        return fail(call, CUDA_ERROR_NOT_SUPPORTED, "launching a graph into a capture (a child graph) is not implemented by the mock");
    }
    for (const Work& node : x->nodes)
    {
        TRY(submit(call, s, node));
    }
    return CUDA_SUCCESS;
}

CUresult cuGraphExecUpdate_v2(CUgraphExec exec_handle, CUgraph graph_handle, CUgraphExecUpdateResultInfo* info)
{
    API("cuGraphExecUpdate_v2");
    Context* context = nullptr;
    Graph* g = nullptr;
    GraphExec* x = nullptr;
    TRY(usable(call, context));
    TRY(live_exec(call, exec_handle, x));
    TRY(live_graph(call, graph_handle, g));
    if (info == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "null result info");
    }
    info->errorNode = nullptr;
    info->errorFromNode = nullptr;
    info->result = CU_GRAPH_EXEC_UPDATE_SUCCESS;
    if (g->nodes.size() != x->nodes.size())
    {
        info->result = CU_GRAPH_EXEC_UPDATE_ERROR_TOPOLOGY_CHANGED;
    }
    for (size_t i = 0; info->result == CU_GRAPH_EXEC_UPDATE_SUCCESS && i < g->nodes.size(); i++)
    {
        if (g->nodes[i].kind != x->nodes[i].kind)
        {
            info->result = CU_GRAPH_EXEC_UPDATE_ERROR_NODE_TYPE_CHANGED;
        }
        else if (g->nodes[i].function != x->nodes[i].function)
        {
            info->result = CU_GRAPH_EXEC_UPDATE_ERROR_FUNCTION_CHANGED;
        }
    }
    if (info->result != CU_GRAPH_EXEC_UPDATE_SUCCESS)
    {
        return CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE;
    }
    x->nodes = g->nodes;
    return CUDA_SUCCESS;
}

CUresult cuGraphDestroy(CUgraph handle)
{
    API("cuGraphDestroy");
    Graph* g = nullptr;
    TRY(live_graph(call, handle, g));
    g->live = false;
    g->nodes.clear();
    return CUDA_SUCCESS;
}

CUresult cuGraphExecDestroy(CUgraphExec handle)
{
    API("cuGraphExecDestroy");
    GraphExec* x = nullptr;
    TRY(live_exec(call, handle, x));
    x->live = false;
    x->nodes.clear();
    return CUDA_SUCCESS;
}
