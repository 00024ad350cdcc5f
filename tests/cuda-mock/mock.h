// mock.h - the state of the mock CUDA driver (see README.md): devices, primary contexts, allocations in
// an address range of their own, streams whose work runs when someone waits for it, events, captures,
// graphs, modules and kernels. Everything here is guarded by one lock that every entry point holds.
#pragma once

#include "cuda_api.h"

#include <cstdarg>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#define CUDA_MOCK_INTERNAL __attribute__((visibility("default")))

namespace cuda_mock
{
struct Context;
struct Stream;
struct Module;
struct Function;
struct Event;

// Held by every entry point for its whole call, the execution of queued work included.
CUDA_MOCK_INTERNAL std::recursive_mutex& big_lock();

// Returns `code` after explaining on stderr why ("cuda-mock: CALL: WHY -> NAME"): the mock fails loudly
// where the real driver only returns a status.
CUDA_MOCK_INTERNAL CUresult fail(const char* call, CUresult code, const char* format, ...) __attribute__((format(printf, 3, 4)));
CUDA_MOCK_INTERNAL std::string format(const char* format, ...) __attribute__((format(printf, 1, 2)));
CUDA_MOCK_INTERNAL std::string vformat(const char* format, va_list list);
// Prints one failure line, "cuda-mock: CALL: WHY -> STATUS", as fail() does (cuBLAS statuses too).
CUDA_MOCK_INTERNAL void report(const char* call, const std::string& why, const char* status);
const char* error_name(CUresult code);
const char* error_description(CUresult code); // null for codes the mock does not know
bool known_error(CUresult code);

struct Device
{
    int ordinal = 0;
    int major = 9;
    int minor = 0;
    std::string name;
    size_t total_bytes = 0;
    size_t used_bytes = 0;
    Context* primary = nullptr; // the live primary context, if retained
    int retains = 0;
};

// One cuMemAlloc or cuMemHostAlloc. Its pages lie in the mock's own address range with an inaccessible
// page on either side; the bytes between the page edges and the allocation are a guard pattern that
// is checked after every kernel that was handed a pointer into the allocation.
struct Allocation
{
    std::uint64_t id = 0;
    std::uintptr_t base = 0;
    size_t bytes = 0;
    std::uintptr_t map_base = 0;
    size_t map_bytes = 0;
    Context* context = nullptr; // null for page-locked host memory, usable from every context
    bool host = false;
    bool live = true;
    std::uintptr_t end() const { return base + bytes; }
};

// A range a piece of work reads or writes.
struct Access
{
    std::uintptr_t address;
    size_t bytes;
    bool write;
    const char* role;
};

// One unit of device work: a kernel launch, a copy, a fill, a library call (cuBLAS) or an event record.
// Queued on a stream, recorded into a graph while the stream captures, or replayed from a graph.
struct Work
{
    enum class Kind
    {
        Kernel,
        Copy,
        Fill,
        Library,
        EventRecord,
    };
    Kind kind = Kind::Library;
    std::string what;
    // Kernels: the function and the argument bytes, copied from kernelParams at launch as the driver does.
    Function* function = nullptr;
    unsigned grid[3] = {1, 1, 1};
    unsigned block[3] = {1, 1, 1};
    unsigned shared_bytes = 0;
    std::vector<unsigned char> params;
    // Everything else: what it touches (checked against live allocations when it runs) and what it does.
    std::vector<Access> accesses;
    std::function<void()> body;
    Event* event = nullptr;
    std::uint64_t event_generation = 0;
};

struct Capture
{
    CUstreamCaptureMode mode = CU_STREAM_CAPTURE_MODE_GLOBAL;
    std::thread::id thread;
    std::vector<Work> nodes;
    std::string invalidated; // why, once it is
};

struct Pending
{
    Work work;
    std::uint64_t seq = 0;
    std::vector<std::pair<Stream*, std::uint64_t>> after; // implicit dependencies on other streams
};

struct Stream
{
    Context* context = nullptr;
    unsigned flags = 0;
    bool legacy = false;
    bool live = true;
    std::deque<Pending> queue;
    std::unique_ptr<Capture> capture;
    std::string label() const;
};

struct Event
{
    Context* context = nullptr;
    unsigned flags = 0;
    bool live = true;
    bool captured = false;      // last recorded inside a capture: waiting on it is not allowed
    std::uint64_t generation = 0; // records issued
    std::uint64_t completed = 0;  // the generation whose record has run
    Stream* stream = nullptr;     // where the latest record is queued
    std::uint64_t seq = 0;
    double time_ms = 0;
};

struct Graph
{
    Context* context = nullptr;
    std::vector<Work> nodes;
    bool live = true;
};

struct GraphExec
{
    Context* context = nullptr;
    std::vector<Work> nodes;
    bool live = true;
};

struct Context
{
    Device* device = nullptr;
    bool live = true;
    Stream legacy;
    std::vector<Stream*> streams; // created streams, live or not
    std::vector<Module*> modules;
    std::vector<Event*> events;
    // The first fault in device work: from then on every call in this context returns it.
    CUresult sticky = CUDA_SUCCESS;
    std::string sticky_reason;
};

// --- devices and contexts (mock_context.cpp)
// Reads the configuration (REXNET_CUDA_MOCK_DEVICES, _ARCH, _MEMORY_MB) and creates the devices, once.
CUresult initialize();
bool initialized();
std::vector<Device>& devices();
Device* device(CUdevice ordinal);
// The calling thread's current context (top of its stack), or null.
CUDA_MOCK_INTERNAL Context* current_context();
void set_current(Context* context);
void push_current(Context* context);
Context* pop_current();
Context* retain_primary(Device& device);
void release_primary(Device& device);
// Context handles are validated against every context ever created (they are never freed).
Context* find_context(CUcontext handle);
// CUDA_SUCCESS, or the reason the calling thread cannot issue work: no current context, or its sticky error.
CUDA_MOCK_INTERNAL CUresult usable(const char* call, Context*& context);

// --- memory (mock_memory.cpp)
Allocation* allocate(Context* context, Device* device, size_t bytes, bool host);
void release(Allocation& allocation);
// The allocation, live or freed, whose pages (or the guard page after them) hold `address`; null if none.
CUDA_MOCK_INTERNAL Allocation* allocation_near(std::uintptr_t address);
// The live allocation holding [address, address + bytes); explains otherwise in `why`.
CUDA_MOCK_INTERNAL Allocation* live_range(std::uintptr_t address, size_t bytes, std::string& why);
CUDA_MOCK_INTERNAL bool in_mock_range(std::uintptr_t address);
// Whether the guard bytes around the allocation are intact; restores them and says what changed if not.
bool guards_intact(Allocation& allocation, std::string& why);
void release_context_memory(Context* context);

// --- streams, work, capture, graphs (mock_streams.cpp)
// The stream a handle names in the current context (0 and CU_STREAM_LEGACY: the legacy stream).
CUDA_MOCK_INTERNAL CUresult resolve_stream(const char* call, CUstream handle, Context* context, Stream*& stream);
// Runs the work on `stream` now if it is not capturing, else records it into the capture.
// Returns the sequence number of the queued work in `seq` (0 when captured).
CUDA_MOCK_INTERNAL CUresult submit(const char* call, Stream* stream, Work work, std::uint64_t* seq = nullptr);
// Runs every queued piece of work of `stream` up to and including `seq` (and what it waits for).
CUDA_MOCK_INTERNAL void drain(Stream* stream, std::uint64_t seq);
void drain_all(Context* context);
// Fails a call the driver refuses while a capture is under way in `context` (cudaMalloc-like calls).
CUDA_MOCK_INTERNAL CUresult refuse_during_capture(const char* call, Context* context);
// Fails (and invalidates) when any stream of `context` captures: the call would wait for it.
CUresult check_no_capture_in_context(const char* call, Context* context);
// Marks a stream's capture invalid (once) and says why on stderr; its end returns CUDA_ERROR_STREAM_CAPTURE_INVALIDATED.
void invalidate_capture(Stream* stream, const std::string& reason);
Stream* find_stream(CUstream handle);
Event* find_event(CUevent handle);
Graph* find_graph(CUgraph handle);
GraphExec* find_graph_exec(CUgraphExec handle);
Stream* create_stream(Context* context, unsigned flags);
Event* create_event(Context* context, unsigned flags);
Graph* create_graph(Context* context, std::vector<Work> nodes);
GraphExec* create_graph_exec(Graph& graph);
void destroy_context_objects(Context* context);
// Marks the context broken by a fault in device work and says why on stderr.
void make_sticky(Context* context, CUresult code, const std::string& reason);

// --- modules and kernels (mock_modules.cpp)
struct Function
{
    Module* module = nullptr;
    std::string name;
    std::vector<size_t> param_sizes;
    std::vector<size_t> param_offsets;
    size_t param_bytes = 0;
    std::string signature; // the emulation's letters (p pointer, i int, u unsigned, f float); empty if not emulated
    int registers = 0;
    int max_threads = 1024;
    int static_shared = 0;
    int max_dynamic_shared = 48 * 1024;
    bool live = true;
};

struct Module
{
    Context* context = nullptr;
    std::vector<std::unique_ptr<Function>> functions;
    bool from_ptx = false;
    int arch = 0;
    bool live = true;
};

CUresult load_module(const char* call, Context* context, const void* image, std::string& log, Module*& module);
Module* find_module(CUmodule handle);
Function* find_function(CUfunction handle);
// Runs a kernel launch; a failure makes the context sticky.
void run_kernel(Context* context, Work& work);
} // namespace cuda_mock
