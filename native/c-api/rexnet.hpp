// rexnet.hpp: a header-only C++11 wrapper over rexnet.h. An engine owns its rexnet_engine* (move-only,
// destroyed with the object) and every failure becomes a rexnet::error carrying the status code and
// rexnet_last_error()'s message. Thread rules are rexnet.h's: one call at a time per engine.
//
//     rexnet::engine engine(rexnet::options("model.safetensors"));
//     for (const rexnet::prediction& p : engine.classify_file("cat.jpg", 5))
//         std::printf("%5.1f%%  %s\n", 100 * p.probability, p.label.c_str());
#ifndef REXNET_HPP
#define REXNET_HPP

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "rexnet.h"

namespace rexnet {

/// A failed call: status() is one of REXNET_ERR_*, what() the library's message.
class error : public std::runtime_error {
public:
    error(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
    int status() const noexcept { return status_; }

private:
    int status_;
};

namespace detail {
inline void check(int status) {
    if (status != REXNET_OK) {
        throw error(status, rexnet_last_error());
    }
}

inline int check_count(int value) {
    if (value < 0) {
        throw error(REXNET_ERR_INVALID_ARGUMENT, rexnet_last_error());
    }
    return value;
}
}  // namespace detail

/// The library's version string.
inline std::string version() { return rexnet_version(); }

/// One class of a result, with its strings copied.
struct prediction {
    int class_index;
    float probability;
    std::string synset;  // empty for classes that are not ImageNet-1k's
    std::string label;
};

/// Creation options; see rexnet_options in rexnet.h. An empty model means "from the weights".
struct options {
    explicit options(std::string weights) : weights_path(std::move(weights)) {}

    std::string weights_path;
    std::string model;
    std::string device = "auto";
    int max_batch = 1;
    int height = 224;
    int width = 224;
    int threads = 0;  // 0: one per core
};

class engine {
public:
    explicit engine(const options& o) {
        rexnet_options c;
        rexnet_options_init(&c);
        c.model = o.model.empty() ? nullptr : o.model.c_str();
        c.weights_path = o.weights_path.c_str();
        c.device = o.device.c_str();
        c.max_batch = o.max_batch;
        c.height = o.height;
        c.width = o.width;
        c.threads = o.threads;
        detail::check(rexnet_engine_create_with_options(&c, &handle_));
    }

    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;
    engine(engine&& other) noexcept : handle_(other.handle_) { other.handle_ = nullptr; }
    engine& operator=(engine&& other) noexcept {
        if (this != &other) {
            rexnet_engine_destroy(handle_);
            handle_ = other.handle_;
            other.handle_ = nullptr;
        }
        return *this;
    }
    ~engine() { rexnet_engine_destroy(handle_); }

    int num_classes() const { return detail::check_count(rexnet_engine_num_classes(handle_)); }
    int feature_count() const { return detail::check_count(rexnet_engine_feature_count(handle_)); }
    int max_batch() const { return detail::check_count(rexnet_engine_max_batch(handle_)); }
    std::string device() const { return text(rexnet_engine_device(handle_)); }
    std::string device_reason() const { return text(rexnet_engine_device_reason(handle_)); }

    /// Logits of batch images into the caller's buffer of capacity floats.
    void run(const float* input, int batch, float* logits, std::size_t capacity) {
        detail::check(rexnet_engine_run(handle_, input, batch, logits, capacity));
    }

    /// Logits of batch images, [batch][num_classes].
    std::vector<float> run(const float* input, int batch) {
        std::vector<float> logits(rows(batch, num_classes()));
        run(input, batch, logits.data(), logits.size());
        return logits;
    }

    void features(const float* input, int batch, float* features, std::size_t capacity) {
        detail::check(rexnet_engine_features(handle_, input, batch, features, capacity));
    }

    /// Pooled features of batch images, [batch][feature_count].
    std::vector<float> features(const float* input, int batch) {
        std::vector<float> out(rows(batch, feature_count()));
        features(input, batch, out.data(), out.size());
        return out;
    }

    /// The k most probable classes of one image's logits (num_classes floats).
    std::vector<prediction> top_k(const float* logits, int k) const {
        std::vector<rexnet_prediction> found(slots(k, num_classes()));
        detail::check(rexnet_engine_top_k(handle_, logits, k, found.data()));
        return copy(found);
    }

    /// Decodes, preprocesses and classifies a JPEG or PNG file.
    std::vector<prediction> classify_file(const std::string& path, int k = 5) {
        std::vector<rexnet_prediction> found(slots(k, num_classes()));
        detail::check(rexnet_engine_classify_file(handle_, path.c_str(), k, found.data()));
        return copy(found);
    }

    /// The C handle, still owned by this object.
    rexnet_engine* get() const noexcept { return handle_; }

private:
    rexnet_engine* handle_ = nullptr;

    static std::string text(const char* value) {
        if (!value) {
            throw error(REXNET_ERR_INVALID_ARGUMENT, rexnet_last_error());
        }
        return value;
    }

    // The library checks batch and k itself; buffers are sized for what it can accept, so that a
    // wrong value becomes its error instead of a huge allocation here.
    std::size_t rows(int batch, int per_row) const {
        return slots(batch, max_batch()) * static_cast<std::size_t>(per_row);
    }

    static std::size_t slots(int n, int limit) {
        return static_cast<std::size_t>(n < 1 ? 1 : n > limit ? limit : n);
    }

    static std::vector<prediction> copy(const std::vector<rexnet_prediction>& found) {
        std::vector<prediction> out;
        out.reserve(found.size());
        for (const rexnet_prediction& p : found) {
            out.push_back(prediction{p.class_index, p.probability, p.synset ? p.synset : "", p.label});
        }
        return out;
    }
};

}  // namespace rexnet

#endif  // REXNET_HPP
