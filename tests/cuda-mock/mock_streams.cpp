// mock_streams.cpp - streams, the order their work runs in, capture, and graph objects.
//
// Work is queued per stream and runs only when the host waits for it (a stream or event synchronise,
// a synchronous copy back to the host, cuCtxSynchronize, a free), in stream order. Work on one stream
// never waits for another stream unless CUDA says it does: the legacy stream waits for every blocking
// stream and blocking streams wait for it; non-blocking streams wait for nothing. So a missing
// synchronisation shows up as a wrong or poisoned result, as it may on a GPU, but every time.
#include "mock.h"

#include <chrono>
#include <unordered_set>

namespace cuda_mock
{
namespace
{
std::uint64_t g_seq = 0;
std::vector<Stream*> g_streams;
std::unordered_set<const void*> g_stream_handles, g_event_handles, g_graph_handles, g_exec_handles;
std::vector<Event*> g_events;
std::vector<Graph*> g_graphs;
std::vector<GraphExec*> g_execs;

double now_ms()
{
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

bool blocking(const Stream* s) { return !s->legacy && (s->flags & CU_STREAM_NON_BLOCKING) == 0; }

} // namespace

void invalidate_capture(Stream* s, const std::string& reason)
{
    if (s->capture && s->capture->invalidated.empty())
    {
        s->capture->invalidated = reason;
        std::fprintf(stderr, "cuda-mock: the capture on %s is invalidated: %s\n", s->label().c_str(), reason.c_str());
    }
}

namespace
{

void check_accesses_and_run(Context* context, Work& work)
{
    for (const Access& access : work.accesses)
    {
        std::string why;
        Allocation* a = live_range(access.address, access.bytes, why);
        if (a == nullptr)
        {
            make_sticky(context, CUDA_ERROR_ILLEGAL_ADDRESS, format("%s: the %s %s", work.what.c_str(), access.role, why.c_str()));
            return;
        }
        if (a->context != nullptr && a->context != context)
        {
            make_sticky(context, CUDA_ERROR_ILLEGAL_ADDRESS,
                format("%s: the %s is in allocation #%llu of device %d's context, not this one (device %d)", work.what.c_str(), access.role,
                    static_cast<unsigned long long>(a->id), a->context->device->ordinal, context->device->ordinal));
            return;
        }
    }
    work.body();
}

void run_work(Context* context, Work& work)
{
    if (context->sticky != CUDA_SUCCESS)
    {
        return; // after a fault the device runs nothing more
    }
    switch (work.kind)
    {
    case Work::Kind::Kernel:
        run_kernel(context, work);
        break;
    case Work::Kind::EventRecord:
        if (work.event->generation == work.event_generation)
        {
            work.event->completed = work.event_generation;
            work.event->time_ms = now_ms();
        }
        break;
    default:
        check_accesses_and_run(context, work);
        break;
    }
}
} // namespace

CUresult resolve_stream(const char* call, CUstream handle, Context* context, Stream*& stream)
{
    if (handle == nullptr || handle == CU_STREAM_LEGACY)
    {
        stream = &context->legacy;
        return CUDA_SUCCESS;
    }
    if (handle == CU_STREAM_PER_THREAD)
    {
        return fail(call, CUDA_ERROR_NOT_SUPPORTED, "the per-thread default stream is not implemented by the mock");
    }
    stream = find_stream(handle);
    if (stream == nullptr || !stream->live)
    {
        return fail(call, CUDA_ERROR_INVALID_HANDLE, "stream %p %s", static_cast<void*>(handle), stream == nullptr ? "was never created" : "was destroyed");
    }
    if (stream->context != context)
    {
        return fail(call, CUDA_ERROR_INVALID_HANDLE, "stream %p belongs to device %d's context, not the current one (device %d)",
            static_cast<void*>(handle), stream->context->device->ordinal, context->device->ordinal);
    }
    return CUDA_SUCCESS;
}

CUresult submit(const char* call, Stream* stream, Work work, std::uint64_t* seq)
{
    Context* context = stream->context;
    if (seq != nullptr)
    {
        *seq = 0;
    }
    if (stream->legacy)
    {
        for (Stream* s : context->streams)
        {
            if (s->live && s->capture && blocking(s))
            {
                invalidate_capture(s, format("%s on the legacy stream would make it wait for this capturing blocking stream", call));
                return fail(call, CUDA_ERROR_STREAM_CAPTURE_IMPLICIT,
                    "work on the legacy stream while blocking %s captures (use a non-blocking stream, or keep the legacy stream idle)",
                    s->label().c_str());
            }
        }
    }
    if (stream->capture)
    {
        if (!stream->capture->invalidated.empty())
        {
            return fail(call, CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, "the capture on %s was invalidated earlier: %s", stream->label().c_str(),
                stream->capture->invalidated.c_str());
        }
        stream->capture->nodes.push_back(std::move(work));
        return CUDA_SUCCESS;
    }
    Pending p;
    p.work = std::move(work);
    p.seq = ++g_seq;
    if (stream->legacy)
    {
        for (Stream* s : context->streams)
        {
            if (s->live && blocking(s) && !s->queue.empty())
            {
                p.after.emplace_back(s, s->queue.back().seq);
            }
        }
    }
    else if (blocking(stream) && !context->legacy.queue.empty())
    {
        p.after.emplace_back(&context->legacy, context->legacy.queue.back().seq);
    }
    if (seq != nullptr)
    {
        *seq = p.seq;
    }
    stream->queue.push_back(std::move(p));
    return CUDA_SUCCESS;
}

void drain(Stream* stream, std::uint64_t seq)
{
    while (!stream->queue.empty() && stream->queue.front().seq <= seq)
    {
        Pending p = std::move(stream->queue.front());
        stream->queue.pop_front();
        for (auto& [other, upto] : p.after)
        {
            drain(other, upto);
        }
        run_work(stream->context, p.work);
    }
}

void drain_all(Context* context)
{
    drain(&context->legacy, UINT64_MAX);
    for (Stream* s : context->streams)
    {
        drain(s, UINT64_MAX);
    }
}

CUresult refuse_during_capture(const char* call, Context* context)
{
    for (Stream* s : g_streams)
    {
        if (!s->live || !s->capture)
        {
            continue;
        }
        bool global = s->capture->mode == CU_STREAM_CAPTURE_MODE_GLOBAL;
        bool mine = s->capture->mode == CU_STREAM_CAPTURE_MODE_THREAD_LOCAL && s->capture->thread == std::this_thread::get_id();
        if (global || mine)
        {
            invalidate_capture(s, format("%s was called while the capture was under way", call));
            return fail(call, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "not permitted while %s captures in %s mode%s", s->label().c_str(),
                global ? "global" : "thread-local", s->context == context ? "" : " (in another context)");
        }
    }
    return CUDA_SUCCESS;
}

CUresult check_no_capture_in_context(const char* call, Context* context)
{
    CUresult result = CUDA_SUCCESS;
    for (Stream* s : context->streams)
    {
        if (s->live && s->capture)
        {
            invalidate_capture(s, format("%s would wait for the capturing stream", call));
            result = fail(call, CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED,
                "%s is capturing (possibly on another thread): synchronising the whole context would wait for it", s->label().c_str());
        }
    }
    return result;
}

Stream* create_stream(Context* context, unsigned flags)
{
    auto* s = new Stream();
    s->context = context;
    s->flags = flags;
    context->streams.push_back(s);
    g_streams.push_back(s);
    g_stream_handles.insert(s);
    return s;
}

Stream* find_stream(CUstream handle) { return g_stream_handles.count(handle) ? reinterpret_cast<Stream*>(handle) : nullptr; }

Event* create_event(Context* context, unsigned flags)
{
    auto* e = new Event();
    e->context = context;
    e->flags = flags;
    context->events.push_back(e);
    g_events.push_back(e);
    g_event_handles.insert(e);
    return e;
}

Event* find_event(CUevent handle) { return g_event_handles.count(handle) ? reinterpret_cast<Event*>(handle) : nullptr; }

Graph* create_graph(Context* context, std::vector<Work> nodes)
{
    auto* g = new Graph();
    g->context = context;
    g->nodes = std::move(nodes);
    g_graphs.push_back(g);
    g_graph_handles.insert(g);
    return g;
}

Graph* find_graph(CUgraph handle) { return g_graph_handles.count(handle) ? reinterpret_cast<Graph*>(handle) : nullptr; }

GraphExec* create_graph_exec(Graph& graph)
{
    auto* x = new GraphExec();
    x->context = graph.context;
    x->nodes = graph.nodes;
    g_execs.push_back(x);
    g_exec_handles.insert(x);
    return x;
}

GraphExec* find_graph_exec(CUgraphExec handle) { return g_exec_handles.count(handle) ? reinterpret_cast<GraphExec*>(handle) : nullptr; }

void destroy_context_objects(Context* context)
{
    for (Stream* s : context->streams)
    {
        s->live = false;
    }
    for (Event* e : context->events)
    {
        e->live = false;
    }
    for (Module* m : context->modules)
    {
        m->live = false;
        for (auto& f : m->functions)
        {
            f->live = false;
        }
    }
    for (Graph* g : g_graphs)
    {
        g->live = g->live && g->context != context;
    }
    for (GraphExec* x : g_execs)
    {
        x->live = x->live && x->context != context;
    }
}
} // namespace cuda_mock
