namespace RexNet.Native.Loading;

/// <summary>A library that loaded: the candidate that worked and the file the system actually mapped.</summary>
internal sealed record LoadedLibrary(CudaLibrary Library, IntPtr Handle, LibraryCandidate Candidate, string ResolvedPath);
