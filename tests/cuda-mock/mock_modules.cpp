// mock_modules.cpp - modules and kernels. A module image from NVRTC (a CUBIN, or PTX text) cannot run
// on the host, so the mock reads from it what the driver would (its entry points, their parameter
// sizes, registers, launch bounds, static shared memory, the architecture it is for) and runs each
// entry point through the host emulation of the same kernels/*.cu compiled into this library
// (tests/kernel-emulation). Loading fails when an entry point's parameters differ from the emulated
// kernel's, which means the emulation was built from other sources than NVRTC compiled.
#include "mock.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <unordered_set>

extern "C" int rexnet_emu_launch(const char* kernel, const char* signature, const unsigned* grid, const unsigned* block, void** args,
    int reverse, char* error, int error_capacity);
extern "C" const char* rexnet_emu_signature(const char* kernel);

namespace cuda_mock
{
namespace
{
std::unordered_set<const void*> g_module_handles, g_function_handles;

// What a module says about one entry point, before it is matched with the emulation.
struct EntryInfo
{
    std::vector<size_t> sizes;
    std::vector<size_t> offsets;
    int registers = 0;
    int max_threads = 1024;
    int static_shared = 0;
};

template <class T>
bool read(const unsigned char* image, size_t length, size_t at, T& value)
{
    if (at > length || length - at < sizeof(T))
    {
        return false;
    }
    std::memcpy(&value, image + at, sizeof(T));
    return true;
}

// CUBIN: an ELF file. Kernels have a .nv.info.NAME section of attributes (EIATTR_*), .text.NAME their
// code, .nv.shared.NAME their static shared memory; the global .nv.info holds the register counts.
bool parse_cubin(const unsigned char* image, size_t length, int& arch, std::map<std::string, EntryInfo>& entries, std::string& why)
{
    std::uint64_t shoff = 0;
    std::uint32_t flags = 0;
    std::uint16_t shentsize = 0, shnum = 0, shstrndx = 0;
    if (!read(image, length, 0x28, shoff) || !read(image, length, 0x30, flags) || !read(image, length, 0x3a, shentsize) ||
        !read(image, length, 0x3c, shnum) || !read(image, length, 0x3e, shstrndx) || shentsize < 64 || shstrndx >= shnum)
    {
        why = "the ELF header is truncated or malformed";
        return false;
    }
    arch = static_cast<int>(flags & 0xff);
    struct Section
    {
        std::uint32_t name, type;
        std::uint64_t offset, size;
        std::uint32_t link, info;
    };
    std::vector<Section> sections(shnum);
    for (std::uint16_t i = 0; i < shnum; i++)
    {
        size_t at = shoff + static_cast<size_t>(i) * shentsize;
        Section& s = sections[i];
        if (!read(image, length, at, s.name) || !read(image, length, at + 4, s.type) || !read(image, length, at + 24, s.offset) ||
            !read(image, length, at + 32, s.size) || !read(image, length, at + 40, s.link) || !read(image, length, at + 44, s.info) ||
            (s.type != 8 && (s.offset > length || length - s.offset < s.size)))
        {
            why = "a section header is truncated or points outside the image";
            return false;
        }
    }
    auto string_at = [&](const Section& table, std::uint32_t offset) -> std::string {
        if (offset >= table.size)
        {
            return "";
        }
        const char* start = reinterpret_cast<const char*>(image + table.offset + offset);
        return std::string(start, strnlen(start, table.size - offset));
    };
    auto name_of = [&](const Section& s) { return string_at(sections[shstrndx], s.name); };

    std::map<std::uint32_t, int> registers_by_symbol;
    std::vector<std::string> symbol_names;
    for (const Section& s : sections)
    {
        std::string n = name_of(s);
        if (s.type == 2 && s.link < shnum) // SHT_SYMTAB
        {
            for (size_t at = 0; at + 24 <= s.size; at += 24)
            {
                std::uint32_t name = 0;
                read(image, length, s.offset + at, name);
                symbol_names.push_back(string_at(sections[s.link], name));
            }
        }
        if (n == ".nv.info")
        {
            for (size_t at = s.offset; at + 4 <= s.offset + s.size;)
            {
                std::uint8_t fmt = image[at], attr = image[at + 1];
                std::uint16_t size = 0;
                read(image, length, at + 2, size);
                if (fmt == 4 && attr == 0x2f && size == 8) // EIATTR_REGCOUNT: symbol, count
                {
                    std::uint32_t symbol = 0, count = 0;
                    read(image, length, at + 4, symbol);
                    read(image, length, at + 8, count);
                    registers_by_symbol[symbol] = static_cast<int>(count);
                }
                at += fmt == 4 ? 4 + size : 4;
            }
        }
    }
    for (const Section& s : sections)
    {
        std::string n = name_of(s);
        if (n.rfind(".nv.info.", 0) != 0)
        {
            continue;
        }
        std::string kernel = n.substr(9);
        EntryInfo& e = entries[kernel];
        std::vector<std::pair<int, std::pair<size_t, size_t>>> params; // ordinal -> (offset, size)
        for (size_t at = s.offset; at + 4 <= s.offset + s.size;)
        {
            std::uint8_t fmt = image[at], attr = image[at + 1];
            std::uint16_t size = 0;
            read(image, length, at + 2, size);
            if (fmt == 4 && attr == 0x17 && size >= 12) // EIATTR_KPARAM_INFO
            {
                std::uint16_t ordinal = 0, offset = 0;
                std::uint32_t packed = 0;
                read(image, length, at + 8, ordinal);
                read(image, length, at + 10, offset);
                read(image, length, at + 12, packed);
                params.push_back({ordinal, {offset, (packed >> 18) & 0x3fff}});
            }
            if (fmt == 4 && (attr == 0x05 || attr == 0x10) && size == 12) // EIATTR_MAX_THREADS, EIATTR_REQNTID
            {
                std::uint32_t x = 0, y = 0, z = 0;
                read(image, length, at + 4, x);
                read(image, length, at + 8, y);
                read(image, length, at + 12, z);
                e.max_threads = std::min(e.max_threads, static_cast<int>(x * y * z));
            }
            at += fmt == 4 ? 4 + size : 4;
        }
        std::sort(params.begin(), params.end());
        for (auto& [ordinal, where] : params)
        {
            e.offsets.push_back(where.first);
            e.sizes.push_back(where.second);
        }
    }
    for (const Section& s : sections)
    {
        std::string n = name_of(s);
        if (n.rfind(".text.", 0) == 0 && entries.count(n.substr(6)))
        {
            entries[n.substr(6)].registers = static_cast<int>(s.info >> 24);
        }
        if (n.rfind(".nv.shared.", 0) == 0 && entries.count(n.substr(11)))
        {
            entries[n.substr(11)].static_shared = static_cast<int>(s.size);
        }
    }
    for (size_t i = 0; i < symbol_names.size(); i++)
    {
        auto r = registers_by_symbol.find(static_cast<std::uint32_t>(i));
        if (r != registers_by_symbol.end() && entries.count(symbol_names[i]))
        {
            entries[symbol_names[i]].registers = r->second;
        }
    }
    return true;
}

size_t ptx_type_size(const std::string& type)
{
    if (type.size() < 3)
    {
        return 0;
    }
    int bits = std::atoi(type.c_str() + 2);
    return bits >= 8 ? static_cast<size_t>(bits) / 8 : 0;
}

// PTX: `.version`, `.target sm_XX`, and per `.entry NAME(.param ...)`: parameter sizes, `.maxntid` /
// `.reqntid`, and the `.shared` arrays declared in its body.
bool parse_ptx(const std::string& ptx, int& arch, int& version, std::map<std::string, EntryInfo>& entries, std::string& why)
{
    size_t target = ptx.find(".target sm_");
    size_t ver = ptx.find(".version ");
    if (target == std::string::npos || ver == std::string::npos)
    {
        why = "no .version or .target sm_XX directive";
        return false;
    }
    arch = std::atoi(ptx.c_str() + target + 11);
    version = std::atoi(ptx.c_str() + ver + 9) * 10 + std::atoi(ptx.c_str() + ptx.find('.', ver + 9) + 1);
    for (size_t at = ptx.find(".entry "); at != std::string::npos; at = ptx.find(".entry ", at + 7))
    {
        size_t name_start = at + 7;
        size_t open = ptx.find('(', name_start);
        size_t close = ptx.find(')', open);
        size_t body = ptx.find('{', close);
        if (open == std::string::npos || close == std::string::npos || body == std::string::npos)
        {
            why = "an .entry directive is truncated";
            return false;
        }
        std::string name = ptx.substr(name_start, open - name_start);
        name.erase(name.find_last_not_of(" \t\r\n") + 1);
        EntryInfo& e = entries[name];
        size_t offset = 0;
        for (size_t p = ptx.find(".param", open); p != std::string::npos && p < close; p = ptx.find(".param", p + 6))
        {
            size_t end = std::min(ptx.find(',', p), close);
            std::string decl = ptx.substr(p, end - p);
            size_t align = 0, size = 0;
            if (size_t a = decl.find(".align "); a != std::string::npos)
            {
                align = static_cast<size_t>(std::atoi(decl.c_str() + a + 7));
            }
            size_t type = decl.find(" .", 6);
            std::string type_name = type == std::string::npos ? "" : decl.substr(type + 1, decl.find(' ', type + 1) - type - 1);
            if (type_name == ".align")
            {
                size_t t2 = decl.find(" .", decl.find(' ', type + 1));
                type_name = decl.substr(t2 + 1, decl.find(' ', t2 + 1) - t2 - 1);
            }
            size = ptx_type_size(type_name);
            if (size_t bracket = decl.find('['); bracket != std::string::npos)
            {
                size *= static_cast<size_t>(std::atoi(decl.c_str() + bracket + 1));
            }
            if (size == 0)
            {
                why = format("cannot size parameter '%s' of %s", decl.c_str(), name.c_str());
                return false;
            }
            if (align == 0)
            {
                align = size;
            }
            offset = (offset + align - 1) / align * align;
            e.offsets.push_back(offset);
            e.sizes.push_back(size);
            offset += size;
        }
        std::string directives = ptx.substr(close, body - close);
        for (const char* d : {".maxntid", ".reqntid"})
        {
            if (size_t m = directives.find(d); m != std::string::npos)
            {
                int x = 1, y = 1, z = 1;
                std::sscanf(directives.c_str() + m + 8, " %d , %d , %d", &x, &y, &z);
                e.max_threads = std::min(e.max_threads, x * y * z);
            }
        }
        int depth = 0;
        size_t end = body;
        for (; end < ptx.size(); end++)
        {
            depth += ptx[end] == '{' ? 1 : ptx[end] == '}' ? -1 : 0;
            if (depth == 0)
            {
                break;
            }
        }
        for (size_t s = ptx.find(".shared ", body); s != std::string::npos && s < end; s = ptx.find(".shared ", s + 8))
        {
            size_t bracket = ptx.find('[', s);
            if (bracket != std::string::npos && bracket < ptx.find(';', s))
            {
                e.static_shared += std::atoi(ptx.c_str() + bracket + 1);
            }
        }
        e.registers = 32; // not known without ptxas; see README
    }
    return true;
}

size_t letter_size(char letter) { return letter == 'p' ? 8 : 4; }
} // namespace

CUresult load_module(const char* call, Context* context, const void* image, std::string& log, Module*& module)
{
    if (image == nullptr)
    {
        return fail(call, CUDA_ERROR_INVALID_VALUE, "the image pointer is null");
    }
    const auto* bytes = static_cast<const unsigned char*>(image);
    const Device& d = *context->device;
    int device_arch = d.major * 10 + d.minor;
    std::map<std::string, EntryInfo> entries;
    int arch = 0;
    bool ptx = false;
    std::string why;
    if (std::memcmp(bytes, "\177ELF", 4) == 0)
    {
        // A CUBIN's size is not passed; its section headers end it. Read far enough to hold them.
        std::uint64_t shoff = 0;
        std::uint16_t shentsize = 0, shnum = 0;
        std::memcpy(&shoff, bytes + 0x28, 8);
        std::memcpy(&shentsize, bytes + 0x3a, 2);
        std::memcpy(&shnum, bytes + 0x3c, 2);
        size_t length = shoff + static_cast<size_t>(shentsize) * shnum;
        if (!parse_cubin(bytes, length, arch, entries, why))
        {
            log = "mock: " + why;
            return fail(call, CUDA_ERROR_INVALID_IMAGE, "CUBIN: %s", why.c_str());
        }
        // Machine code runs on its own major version, at its minor version or above.
        if (arch / 10 != device_arch / 10 || arch % 10 > device_arch % 10)
        {
            log = format("mock: the CUBIN is for sm_%d and cannot run on this sm_%d device", arch, device_arch);
            return fail(call, CUDA_ERROR_NO_BINARY_FOR_GPU, "%s", log.c_str() + 6);
        }
    }
    else if (bytes[0] == 0x50 && bytes[1] == 0xed && bytes[2] == 0x55 && bytes[3] == 0xba)
    {
        return fail(call, CUDA_ERROR_NOT_SUPPORTED, "fat binaries are not implemented by the mock (NVRTC emits a CUBIN or PTX)");
    }
    else
    {
        std::string text(static_cast<const char*>(image));
        int version = 0;
        if (!parse_ptx(text, arch, version, entries, why))
        {
            log = "mock: " + why;
            return fail(call, CUDA_ERROR_INVALID_PTX, "PTX: %s", why.c_str());
        }
        // Driver 13.0 reads PTX ISA up to 9.0; PTX compiles forward to newer GPUs, never back.
        if (version > 90)
        {
            log = format("mock: PTX ISA %d.%d is newer than this driver's 9.0", version / 10, version % 10);
            return fail(call, CUDA_ERROR_UNSUPPORTED_PTX_VERSION, "%s", log.c_str() + 6);
        }
        if (arch > device_arch)
        {
            log = format("mock: the PTX targets sm_%d, newer than this sm_%d device", arch, device_arch);
            return fail(call, CUDA_ERROR_NO_BINARY_FOR_GPU, "%s", log.c_str() + 6);
        }
        ptx = true;
    }
    auto* m = new Module();
    m->context = context;
    m->from_ptx = ptx;
    m->arch = arch;
    for (auto& [name, e] : entries)
    {
        auto f = std::make_unique<Function>();
        f->module = m;
        f->name = name;
        f->param_sizes = e.sizes;
        f->param_offsets = e.offsets;
        for (size_t i = 0; i < e.sizes.size(); i++)
        {
            f->param_bytes = std::max(f->param_bytes, e.offsets[i] + e.sizes[i]);
        }
        f->registers = e.registers;
        f->max_threads = std::min(e.max_threads, e.registers > 0 ? 65536 / e.registers / 32 * 32 : 1024);
        f->static_shared = e.static_shared;
        const char* signature = rexnet_emu_signature(name.c_str());
        if (signature != nullptr)
        {
            std::string sig = signature;
            bool same = sig.size() == e.sizes.size();
            for (size_t i = 0; same && i < sig.size(); i++)
            {
                same = letter_size(sig[i]) == e.sizes[i];
            }
            if (!same)
            {
                std::string sizes;
                for (size_t s : e.sizes)
                {
                    sizes += (sizes.empty() ? "" : ",") + std::to_string(s);
                }
                delete m;
                log = format("mock: %s takes parameters of %s bytes in the module but (%s) in the emulation library: it was built from other sources",
                    name.c_str(), sizes.c_str(), sig.c_str());
                return fail(call, CUDA_ERROR_INVALID_IMAGE, "%s", log.c_str() + 6);
            }
            f->signature = sig;
        }
        g_function_handles.insert(f.get());
        m->functions.push_back(std::move(f));
    }
    context->modules.push_back(m);
    g_module_handles.insert(m);
    log = ptx ? format("mock: PTX for sm_%d accepted on sm_%d (kernels run in the host emulation)", arch, device_arch) : "";
    module = m;
    return CUDA_SUCCESS;
}

Module* find_module(CUmodule handle) { return g_module_handles.count(handle) ? reinterpret_cast<Module*>(handle) : nullptr; }

Function* find_function(CUfunction handle) { return g_function_handles.count(handle) ? reinterpret_cast<Function*>(handle) : nullptr; }

void run_kernel(Context* context, Work& work)
{
    static const char* schedule = [] {
        const char* s = std::getenv("REXNET_CUDA_MOCK_SCHEDULE");
        return s != nullptr && *s != '\0' ? s : "alternate";
    }();
    static std::uint64_t launches = 0;
    Function& f = *work.function;
    std::vector<void*> args(f.param_sizes.size());
    std::vector<Allocation*> touched;
    for (size_t i = 0; i < args.size(); i++)
    {
        args[i] = work.params.data() + f.param_offsets[i];
        if (f.signature[i] != 'p')
        {
            continue;
        }
        std::uint64_t pointer = 0;
        std::memcpy(&pointer, args[i], 8);
        if (pointer == 0)
        {
            continue;
        }
        std::string why;
        Allocation* a = live_range(pointer, 1, why);
        if (a == nullptr || (a->context != nullptr && a->context != context))
        {
            make_sticky(context, CUDA_ERROR_ILLEGAL_ADDRESS,
                format("%s: pointer argument %zu: %s", work.what.c_str(), i,
                    a == nullptr ? why.c_str() : format("0x%llx is in device %d's memory, not this context's (device %d)",
                        static_cast<unsigned long long>(pointer), a->context->device->ordinal, context->device->ordinal).c_str()));
            return;
        }
        if (std::find(touched.begin(), touched.end(), a) == touched.end())
        {
            touched.push_back(a);
        }
    }
    bool reverse = std::strcmp(schedule, "reverse") == 0 || (std::strcmp(schedule, "alternate") == 0 && (launches++ & 1) != 0);
    char error[2048];
    if (rexnet_emu_launch(f.name.c_str(), f.signature.c_str(), work.grid, work.block, args.data(), reverse ? 1 : 0, error, sizeof error) != 0)
    {
        make_sticky(context, CUDA_ERROR_LAUNCH_FAILED, format("%s (%s thread order): %s", work.what.c_str(), reverse ? "reverse" : "forward", error));
        return;
    }
    for (Allocation* a : touched)
    {
        std::string why;
        if (!guards_intact(*a, why))
        {
            make_sticky(context, CUDA_ERROR_ILLEGAL_ADDRESS, format("%s: %s", work.what.c_str(), why.c_str()));
            return;
        }
    }
}
} // namespace cuda_mock
