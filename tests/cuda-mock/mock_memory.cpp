// mock_memory.cpp - device and page-locked memory in an address range reserved for the mock.
//
// Addresses are never reused, so a pointer into freed memory is always recognised as such. Each
// allocation gets whole pages with an inaccessible page on either side: an access far out of range
// faults at once (and, in a kernel, ends the process: loudly, if not gracefully). Within the pages the
// allocation starts one page in (256-byte aligned, as cuMemAlloc promises) and is followed by at least
// a page more; the bytes around it hold a guard pattern (a signalling NaN as float), checked after each
// kernel that was given a pointer into the allocation, so an overrun of up to 4 KiB either way is a
// reported fault. New memory holds a quiet NaN pattern, so reading what nothing wrote poisons results
// instead of looking like zeros.
#include "mock.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <map>

namespace cuda_mock
{
namespace
{
constexpr size_t ReservedBytes = size_t{1} << 40;
constexpr size_t Alignment = 256;
constexpr size_t GuardBytes = 4096; // guard pattern before and (at least) after each allocation
constexpr std::uint32_t GuardWord = 0x7FA5A5A5u;
constexpr std::uint32_t UnwrittenWord = 0x7FC0FFEEu;

std::uintptr_t g_reserved = 0;
std::uintptr_t g_next = 0;
std::uint64_t g_ids = 0;
std::map<std::uintptr_t, Allocation*> g_allocations; // by map_base; freed ones stay, for diagnostics

size_t page() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

size_t round_up(size_t value, size_t to) { return (value + to - 1) / to * to; }

// Fills bytes with a 32-bit word laid on absolute 4-byte boundaries, so every aligned float there reads it.
void pattern(std::uintptr_t from, std::uintptr_t to, std::uint32_t word)
{
    auto* bytes = reinterpret_cast<const unsigned char*>(&word);
    std::uintptr_t a = from;
    for (; a < to && a % 4 != 0; a++)
    {
        *reinterpret_cast<unsigned char*>(a) = bytes[a % 4];
    }
    for (; a + 4 <= to; a += 4)
    {
        *reinterpret_cast<std::uint32_t*>(a) = word;
    }
    for (; a < to; a++)
    {
        *reinterpret_cast<unsigned char*>(a) = bytes[a % 4];
    }
}

bool reserve()
{
    if (g_reserved != 0)
    {
        return true;
    }
    void* range = mmap(nullptr, ReservedBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (range == MAP_FAILED)
    {
        return false;
    }
    g_reserved = reinterpret_cast<std::uintptr_t>(range);
    g_next = g_reserved;
    return true;
}
} // namespace

bool in_mock_range(std::uintptr_t address) { return g_reserved != 0 && address >= g_reserved && address < g_reserved + ReservedBytes; }

Allocation* allocate(Context* context, Device* device, size_t bytes, bool host)
{
    if (!reserve())
    {
        return nullptr;
    }
    size_t data = round_up(bytes == 0 ? 1 : bytes, Alignment);
    size_t map_bytes = round_up(GuardBytes + data + GuardBytes, page());
    std::uintptr_t map_base = g_next + page(); // an inaccessible page before it
    if (map_base + map_bytes + page() > g_reserved + ReservedBytes)
    {
        return nullptr;
    }
    if (mprotect(reinterpret_cast<void*>(map_base), map_bytes, PROT_READ | PROT_WRITE) != 0)
    {
        return nullptr;
    }
    g_next = map_base + map_bytes;
    auto* a = new Allocation();
    a->id = ++g_ids;
    a->map_base = map_base;
    a->map_bytes = map_bytes;
    a->base = map_base + GuardBytes;
    a->bytes = bytes;
    a->context = host ? nullptr : context;
    a->host = host;
    pattern(a->map_base, a->base, GuardWord);
    pattern(a->base, a->end(), UnwrittenWord);
    pattern(a->end(), a->map_base + a->map_bytes, GuardWord);
    if (!host)
    {
        device->used_bytes += data;
    }
    g_allocations[map_base] = a;
    return a;
}

void release(Allocation& a)
{
    if (!a.live)
    {
        return;
    }
    a.live = false;
    // Give the memory back and make the range fault from now on.
    madvise(reinterpret_cast<void*>(a.map_base), a.map_bytes, MADV_DONTNEED);
    mprotect(reinterpret_cast<void*>(a.map_base), a.map_bytes, PROT_NONE);
    if (!a.host)
    {
        a.context->device->used_bytes -= round_up(a.bytes == 0 ? 1 : a.bytes, Alignment);
    }
}

void release_context_memory(Context* context)
{
    for (auto& [base, a] : g_allocations)
    {
        if (a->live && a->context == context)
        {
            release(*a);
        }
    }
}

Allocation* allocation_near(std::uintptr_t address)
{
    auto it = g_allocations.upper_bound(address);
    if (it == g_allocations.begin())
    {
        return nullptr;
    }
    --it;
    Allocation* a = it->second;
    return address < a->map_base + a->map_bytes + page() ? a : nullptr;
}

Allocation* live_range(std::uintptr_t address, size_t bytes, std::string& why)
{
    Allocation* a = allocation_near(address);
    if (a == nullptr)
    {
        why = format("0x%llx is not an address the mock handed out", static_cast<unsigned long long>(address));
        return nullptr;
    }
    const char* kind = a->host ? "page-locked host allocation" : "device allocation";
    if (!a->live)
    {
        why = format("0x%llx lies in %s #%llu (%zu bytes at 0x%llx), which was freed: use after free",
            static_cast<unsigned long long>(address), kind, static_cast<unsigned long long>(a->id), a->bytes,
            static_cast<unsigned long long>(a->base));
        return nullptr;
    }
    if (address < a->base)
    {
        why = format("0x%llx is %llu bytes before %s #%llu (%zu bytes at 0x%llx)", static_cast<unsigned long long>(address),
            static_cast<unsigned long long>(a->base - address), kind, static_cast<unsigned long long>(a->id), a->bytes,
            static_cast<unsigned long long>(a->base));
        return nullptr;
    }
    if (address + bytes > a->end() || address + bytes < address)
    {
        why = format("%zu bytes at 0x%llx run %llu bytes past the end of %s #%llu (%zu bytes at 0x%llx)", bytes,
            static_cast<unsigned long long>(address), static_cast<unsigned long long>(address + bytes - a->end()), kind,
            static_cast<unsigned long long>(a->id), a->bytes, static_cast<unsigned long long>(a->base));
        return nullptr;
    }
    return a;
}

bool guards_intact(Allocation& a, std::string& why)
{
    if (!a.live)
    {
        return true;
    }
    auto* bytes = reinterpret_cast<const unsigned char*>(&GuardWord);
    for (std::uintptr_t p = a.map_base; p < a.base; p++)
    {
        if (*reinterpret_cast<unsigned char*>(p) != bytes[p % 4])
        {
            why = format("a write landed %llu bytes before allocation #%llu (%zu bytes at 0x%llx)",
                static_cast<unsigned long long>(a.base - p), static_cast<unsigned long long>(a.id), a.bytes,
                static_cast<unsigned long long>(a.base));
            pattern(a.map_base, a.base, GuardWord);
            return false;
        }
    }
    for (std::uintptr_t p = a.end(); p < a.map_base + a.map_bytes; p++)
    {
        if (*reinterpret_cast<unsigned char*>(p) != bytes[p % 4])
        {
            why = format("a write landed %llu bytes past the end of allocation #%llu (%zu bytes at 0x%llx)",
                static_cast<unsigned long long>(p - a.end()), static_cast<unsigned long long>(a.id), a.bytes,
                static_cast<unsigned long long>(a.base));
            pattern(a.end(), a.map_base + a.map_bytes, GuardWord);
            return false;
        }
    }
    return true;
}
} // namespace cuda_mock
