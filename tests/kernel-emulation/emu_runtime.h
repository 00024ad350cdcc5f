// emu_runtime.h - the kernel registry of the host emulation. The tests generate one wrapper per
// kernels/*.cu file that includes the kernel source and registers each extern "C" __global__ entry
// point with REXNET_EMU_REGISTER, so the emulated library always holds exactly the kernels NVRTC sees.
#pragma once

#include "cuda_host_shim.h"

#include <type_traits>
#include <utility>

namespace rexnet_emu
{
struct KernelEntry
{
    const char* name;
    const char* signature; // one letter per parameter: p pointer, i int, u unsigned, f float
    void* function;
    void (*invoke)(void* function, void** args);
};

void register_kernel(const KernelEntry& entry);

template <class T>
constexpr char signature_letter()
{
    if constexpr (std::is_pointer_v<T>)
        return 'p';
    else if constexpr (std::is_same_v<T, int>)
        return 'i';
    else if constexpr (std::is_same_v<T, unsigned int>)
        return 'u';
    else if constexpr (std::is_same_v<T, float>)
        return 'f';
    else
        static_assert(sizeof(T) == 0, "kernel parameter type has no signature letter; add one here and in KernelArgs.cs");
}

template <class... A>
struct Signature
{
    static constexpr char text[] = {signature_letter<std::remove_cv_t<A>>()..., '\0'};
};

// Calls f with arguments read from args[i], each pointing at one value, as cuLaunchKernel's kernelParams do.
template <class... A, std::size_t... I>
void call_unpacked(void (*f)(A...), void** args, std::index_sequence<I...>)
{
    f(*static_cast<std::remove_cv_t<A>*>(args[I])...);
}

template <class... A>
void invoke_kernel(void* function, void** args)
{
    call_unpacked(reinterpret_cast<void (*)(A...)>(function), args, std::index_sequence_for<A...>{});
}

template <class... A>
KernelEntry make_entry(const char* name, void (*f)(A...))
{
    return KernelEntry{name, Signature<A...>::text, reinterpret_cast<void*>(f), &invoke_kernel<A...>};
}
} // namespace rexnet_emu

#define REXNET_EMU_REGISTER(ns, kernel)                                                          \
    static const bool rexnet_emu_registered_##kernel =                                         \
        (::rexnet_emu::register_kernel(::rexnet_emu::make_entry(#kernel, &ns::kernel)), true);
