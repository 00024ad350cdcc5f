// Tests of rexnet.hpp, compiled with g++ -std=c++11: the RAII engine against a ../shared/parity case
// (logits, features, top-k within 1e-5), moves, and failures as rexnet::error with the C status.
//
//   wrapper_test CASE_DIR IMAGES_DIR
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "rexnet.hpp"
#include "testdata.h"

static int failures = 0;

static void check(bool passed, const std::string& what) {
    std::printf("%s - %s\n", passed ? "ok" : "not ok", what.c_str());
    failures += passed ? 0 : 1;
}

static bool close_enough(const std::vector<float>& actual, const float* expected, std::size_t n) {
    double max_ref = 0, max_err = 0;
    for (std::size_t i = 0; i < n; i++) {
        max_ref = std::fmax(max_ref, std::fabs(expected[i]));
        double d = std::fabs(static_cast<double>(actual[i]) - expected[i]);
        max_err = std::isnan(d) ? INFINITY : std::fmax(max_err, d);
    }
    return actual.size() == n && max_err <= 1e-5 * std::fmax(1.0, max_ref);
}

template <typename Call>
static void check_throws(int status, Call call, const std::string& what) {
    try {
        call();
        check(false, what + " throws");
    } catch (const rexnet::error& e) {
        check(e.status() == status && std::string(e.what()).size() > 0,
              what + " throws status " + std::to_string(e.status()) + ": " + e.what());
    }
}

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: wrapper_test CASE_DIR IMAGES_DIR\n");
        return 2;
    }
    std::string dir = argv[1], images = argv[2];
    td_case c;
    std::size_t inputs = 0, logit_count = 0, pool_count = 0;
    if (!td_load_case(dir.c_str(), &c)) {
        return 1;
    }
    float* input = td_load_npy((dir + "/input.npy").c_str(), &inputs);
    float* expected = td_load_npy((dir + "/logits.npy").c_str(), &logit_count);
    float* pool = td_load_safetensor((dir + "/activations.safetensors").c_str(), "pool", &pool_count);
    if (!input || !expected || !pool) {
        return 1;
    }

    rexnet::options options(dir + "/weights.safetensors");
    options.model = c.model;
    options.device = "cpu";
    options.max_batch = c.batch;
    options.height = c.height;
    options.width = c.width;
    rexnet::engine engine(options);
    check(engine.num_classes() == 1000 && engine.max_batch() == c.batch && engine.device() == "cpu",
          "engine describes itself");
    check(close_enough(engine.run(input, c.batch), expected, logit_count), "run() logits vs timm");
    check(close_enough(engine.features(input, c.batch), pool, pool_count), "features() vs timm's pool");
    std::vector<rexnet::prediction> top = engine.top_k(expected, 3);
    check(top.size() == 3 && top[0].probability >= top[1].probability && !top[0].label.empty(),
          "top_k() copies three labelled classes");

    rexnet::engine moved(std::move(engine));
    check(moved.get() != nullptr && engine.get() == nullptr, "a move transfers the handle");
    check_throws(REXNET_ERR_INVALID_ARGUMENT, [&] { engine.num_classes(); }, "a moved-from engine");
    check_throws(REXNET_ERR_INVALID_ARGUMENT, [&] { moved.run(input, c.batch + 1); }, "run() over max_batch");
    check_throws(REXNET_ERR_INVALID_ARGUMENT, [&] { moved.top_k(expected, 0); }, "top_k(0)");
    engine = std::move(moved);
    check(close_enough(engine.run(input, c.batch), expected, logit_count), "a move-assigned engine still runs");

    rexnet::options square(dir + "/weights.safetensors");
    square.device = "cpu";
    square.model = c.model;
    rexnet::engine classifier(square);
    std::vector<rexnet::prediction> cat = classifier.classify_file(images + "/chelsea.png", 5);
    check(cat.size() == 5 && cat[0].synset.size() == 9, "classify_file() gives five synsets");
    check_throws(REXNET_ERR_NOT_FOUND, [&] { classifier.classify_file(images + "/absent.png"); }, "classify_file() of a missing file");

    rexnet::options missing(dir + "/absent.safetensors");
    missing.model = c.model;
    check_throws(REXNET_ERR_NOT_FOUND, [&] { rexnet::engine e(missing); }, "an engine from a missing file");
    rexnet::options unknown(dir + "/weights.safetensors");
    unknown.device = "tpu";
    unknown.model = c.model;
    check_throws(REXNET_ERR_INVALID_ARGUMENT, [&] { rexnet::engine e(unknown); }, "an engine on an unknown device");

    std::free(input);
    std::free(expected);
    std::free(pool);
    std::printf("# %d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
