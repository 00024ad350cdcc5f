// A C++ program on rexnet.hpp: classify image files and print each one's top classes, with the
// device the engine chose.
//
//   classify_cpp WEIGHTS IMAGE... [--device auto|cpu|cuda] [--top K] [--threads N]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "rexnet.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> images;
    std::string weights, device = "auto";
    int top = 5, threads = 0;
    for (int i = 1; i < argc; i++) {
        if (std::strcmp(argv[i], "--device") == 0 && i + 1 < argc) {
            device = argv[++i];
        } else if (std::strcmp(argv[i], "--top") == 0 && i + 1 < argc) {
            top = std::atoi(argv[++i]);
        } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = std::atoi(argv[++i]);
        } else if (weights.empty()) {
            weights = argv[i];
        } else {
            images.push_back(argv[i]);
        }
    }
    if (weights.empty() || images.empty()) {
        std::fprintf(stderr, "usage: classify_cpp WEIGHTS IMAGE... [--device auto|cpu|cuda] [--top K] [--threads N]\n");
        return 2;
    }
    try {
        rexnet::options options(weights);
        options.device = device;
        options.threads = threads;
        rexnet::engine engine(options);
        std::printf("rexnet %s on %s (%s), %d classes\n", rexnet::version().c_str(), engine.device().c_str(),
                    engine.device_reason().c_str(), engine.num_classes());
        for (const std::string& image : images) {
            std::printf("%s\n", image.c_str());
            for (const rexnet::prediction& p : engine.classify_file(image, top)) {
                std::printf("  %4d %s %7.3f%%  %s\n", p.class_index, p.synset.c_str(), 100 * p.probability,
                            p.label.c_str());
            }
        }
    } catch (const rexnet::error& e) {
        std::fprintf(stderr, "classify_cpp: %s (status %d)\n", e.what(), e.status());
        return 1;
    }
    return 0;
}
