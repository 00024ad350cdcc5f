// mock_context.cpp - configuration, devices, primary contexts, the per-thread context stack, and how
// failures are reported.
#include "mock.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace cuda_mock
{
namespace
{
bool g_initialized = false;
std::vector<Context*> g_contexts; // every context ever created; never freed, so stale handles are recognised
thread_local std::vector<Context*> t_stack;

int env_int(const char* name, int fallback, int lo, int hi)
{
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0')
    {
        return fallback;
    }
    char* end = nullptr;
    long value = std::strtol(text, &end, 10);
    if (*end != '\0' || value < lo || value > hi)
    {
        std::fprintf(stderr, "cuda-mock: %s=%s is not a number from %d to %d; using %d\n", name, text, lo, hi, fallback);
        return fallback;
    }
    return static_cast<int>(value);
}

// REXNET_CUDA_MOCK_ARCH: one compute capability for every device ("90") or one per device ("90,100").
std::vector<int> archs()
{
    std::vector<int> result;
    const char* text = std::getenv("REXNET_CUDA_MOCK_ARCH");
    std::string list = text != nullptr && *text != '\0' ? text : "90";
    size_t start = 0;
    while (start <= list.size())
    {
        size_t comma = list.find(',', start);
        std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        char* end = nullptr;
        long arch = std::strtol(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || arch < 30 || arch > 199)
        {
            std::fprintf(stderr, "cuda-mock: REXNET_CUDA_MOCK_ARCH item '%s' is not a compute capability like 90; using 90\n", item.c_str());
            arch = 90;
        }
        result.push_back(static_cast<int>(arch));
        if (comma == std::string::npos)
        {
            break;
        }
        start = comma + 1;
    }
    return result;
}
} // namespace

std::recursive_mutex& big_lock()
{
    static std::recursive_mutex lock;
    return lock;
}

std::string vformat(const char* fmt, va_list list)
{
    char buffer[1024];
    std::vsnprintf(buffer, sizeof buffer, fmt, list);
    return buffer;
}

std::string format(const char* fmt, ...)
{
    va_list list;
    va_start(list, fmt);
    std::string text = vformat(fmt, list);
    va_end(list);
    return text;
}

void report(const char* call, const std::string& why, const char* status)
{
    std::fprintf(stderr, "cuda-mock: %s: %s -> %s\n", call, why.c_str(), status);
}

CUresult fail(const char* call, CUresult code, const char* fmt, ...)
{
    va_list list;
    va_start(list, fmt);
    report(call, vformat(fmt, list), error_name(code));
    va_end(list);
    return code;
}

bool initialized() { return g_initialized; }

std::vector<Device>& devices()
{
    static std::vector<Device> list;
    return list;
}

CUresult initialize()
{
    if (g_initialized)
    {
        return CUDA_SUCCESS;
    }
    int count = env_int("REXNET_CUDA_MOCK_DEVICES", 1, 0, 16);
    int megabytes = env_int("REXNET_CUDA_MOCK_MEMORY_MB", 16384, 64, 1 << 20);
    std::vector<int> arch = archs();
    for (int i = 0; i < count; i++)
    {
        Device d;
        d.ordinal = i;
        int cc = arch[static_cast<size_t>(i) < arch.size() ? i : arch.size() - 1];
        d.major = cc / 10;
        d.minor = cc % 10;
        d.name = format("RexNet mock GPU %d (host emulation, sm_%d)", i, cc);
        d.total_bytes = static_cast<size_t>(megabytes) << 20;
        devices().push_back(d);
    }
    g_initialized = true;
    return CUDA_SUCCESS;
}

Device* device(CUdevice ordinal)
{
    auto& list = devices();
    return ordinal >= 0 && static_cast<size_t>(ordinal) < list.size() ? &list[static_cast<size_t>(ordinal)] : nullptr;
}

Context* current_context() { return t_stack.empty() ? nullptr : t_stack.back(); }

void set_current(Context* context)
{
    if (t_stack.empty())
    {
        t_stack.push_back(context);
    }
    else
    {
        t_stack.back() = context;
    }
}

void push_current(Context* context) { t_stack.push_back(context); }

Context* pop_current()
{
    if (t_stack.empty())
    {
        return nullptr;
    }
    Context* top = t_stack.back();
    t_stack.pop_back();
    return top;
}

Context* retain_primary(Device& d)
{
    if (d.primary == nullptr)
    {
        auto* context = new Context();
        context->device = &d;
        context->legacy.context = context;
        context->legacy.legacy = true;
        d.primary = context;
        g_contexts.push_back(context);
    }
    d.retains++;
    return d.primary;
}

// The last release destroys the primary context and everything in it, as the driver does.
void release_primary(Device& d)
{
    if (--d.retains > 0)
    {
        return;
    }
    Context* context = d.primary;
    drain_all(context);
    destroy_context_objects(context);
    release_context_memory(context);
    context->live = false;
    d.primary = nullptr;
}

Context* find_context(CUcontext handle)
{
    for (Context* c : g_contexts)
    {
        if (reinterpret_cast<CUcontext>(c) == handle)
        {
            return c;
        }
    }
    return nullptr;
}

CUresult usable(const char* call, Context*& context)
{
    if (!g_initialized)
    {
        return fail(call, CUDA_ERROR_NOT_INITIALIZED, "cuInit has not been called");
    }
    context = current_context();
    if (context == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_CONTEXT, "no context is current on this thread (cuCtxSetCurrent first)");
    }
    if (!context->live)
    {
        return fail(call, CUDA_ERROR_CONTEXT_IS_DESTROYED, "the current context was destroyed (its last retain was released)");
    }
    if (context->sticky != CUDA_SUCCESS)
    {
        return fail(call, context->sticky, "the context is broken by an earlier fault: %s", context->sticky_reason.c_str());
    }
    return CUDA_SUCCESS;
}

void make_sticky(Context* context, CUresult code, const std::string& reason)
{
    if (context->sticky == CUDA_SUCCESS)
    {
        context->sticky = code;
        context->sticky_reason = reason;
        std::fprintf(stderr, "cuda-mock: device fault: %s -> %s (sticky: every later call in this context returns it)\n", reason.c_str(),
            error_name(code));
    }
}

std::string Stream::label() const
{
    return legacy ? "the legacy stream" : format("stream %p", static_cast<const void*>(this));
}
} // namespace cuda_mock
