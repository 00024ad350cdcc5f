/*
 * The C API's own tests, compiled with gcc -std=c99 against rexnet.h and librexnet.so and run by
 * tests/RexNet.Tests/CApi (one xunit test per group):
 *
 *   capi_test parity   CASE_DIR             logits and features of a ../shared/parity case within 1e-5
 *   capi_test errors   CASE_DIR IMAGES TMP  every error path: status, message, no output written
 *   capi_test threads  CASE_DIR             engines on several threads; one engine shared; destroy racing a run
 *   capi_test classify CASE_DIR IMAGES FORMATS  image files of every format against timm's tensors
 *   capi_test head     CASE_DIR HEAD_WEIGHTS    a fine-tuned 3-class head: its classes and labels
 *
 * Prints one "ok" or "not ok" line per check and exits 1 if any failed.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rexnet.h"
#include "testdata.h"

static int failures = 0;
static int checks = 0;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

static void check(int passed, const char* what, const char* detail) {
    pthread_mutex_lock(&report_lock);
    checks++;
    if (passed) {
        printf("ok - %s\n", what);
    } else {
        failures++;
        printf("not ok - %s: %s\n", what, detail ? detail : "");
    }
    fflush(stdout);
    pthread_mutex_unlock(&report_lock);
}

/* A call must fail with `expected`, and leave a message that contains `needle`. */
static void check_status(int status, int expected, const char* needle, const char* what) {
    char detail[1024];
    const char* message = rexnet_last_error();
    snprintf(detail, sizeof detail, "status %d (want %d), message \"%s\" (want it to mention \"%s\")", status,
             expected, message, needle);
    char line[1024];
    snprintf(line, sizeof line, message[0] ? "%s: \"%s\"" : "%s%s", what, message);
    check(status == expected && strstr(message, needle) != NULL && (expected == REXNET_OK) == (message[0] == 0),
          line, detail);
}

/* The project's bound: max|a - b| <= 1e-5 * max(1, max|ref|). */
static int close_enough(const float* actual, const float* expected, size_t n, char* detail, size_t detail_size) {
    double max_ref = 0, max_err = 0;
    for (size_t i = 0; i < n; i++) {
        max_ref = fmax(max_ref, fabs(expected[i]));
    }
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)actual[i] - expected[i]);
        max_err = isnan(d) ? INFINITY : fmax(max_err, d);
    }
    double bound = 1e-5 * fmax(1.0, max_ref);
    snprintf(detail, detail_size, "max|a-b| = %.3g, max|ref| = %.3g, bound %.3g", max_err, max_ref, bound);
    return max_err <= bound;
}

static void check_close(const float* actual, const float* expected, size_t n, const char* what) {
    char detail[256];
    int ok = close_enough(actual, expected, n, detail, sizeof detail);
    char line[512];
    snprintf(line, sizeof line, "%s (%s)", what, detail);
    check(ok, line, detail);
}

typedef struct parity {
    td_case c;
    char weights[4096];
    float* input;
    float* logits;
    float* pool;
    size_t image_floats;
    size_t pool_count;
} parity;

static int load_parity(const char* dir, parity* p) {
    memset(p, 0, sizeof *p);
    if (!td_load_case(dir, &p->c)) {
        return 0;
    }
    char path[4096];
    size_t count = 0, logit_count = 0;
    snprintf(p->weights, sizeof p->weights, "%s/weights.safetensors", dir);
    snprintf(path, sizeof path, "%s/input.npy", dir);
    p->input = td_load_npy(path, &count);
    snprintf(path, sizeof path, "%s/logits.npy", dir);
    p->logits = td_load_npy(path, &logit_count);
    snprintf(path, sizeof path, "%s/activations.safetensors", dir);
    p->pool = td_load_safetensor(path, "pool", &p->pool_count);
    p->image_floats = (size_t)3 * p->c.height * p->c.width;
    int ok = p->input && p->logits && p->pool && count == p->image_floats * p->c.batch &&
             logit_count == (size_t)1000 * p->c.batch;
    check(ok, "parity material loads", dir);
    return ok;
}

static void free_parity(parity* p) {
    free(p->input);
    free(p->logits);
    free(p->pool);
}

static rexnet_engine* create(const parity* p, const char* model, const char* device, int max_batch, int threads) {
    rexnet_options options;
    rexnet_options_init(&options);
    options.model = model;
    options.weights_path = p->weights;
    options.device = device;
    options.max_batch = max_batch;
    options.height = p->c.height;
    options.width = p->c.width;
    options.threads = threads;
    rexnet_engine* engine = NULL;
    int status = rexnet_engine_create_with_options(&options, &engine);
    char what[256];
    snprintf(what, sizeof what, "create %s on %s, max_batch %d, threads %d", model ? model : "(from weights)", device,
             max_batch, threads);
    check(status == REXNET_OK && engine != NULL, what, rexnet_last_error());
    return engine;
}

/* ---- parity ----------------------------------------------------------------------------------- */

static void test_parity(const char* dir) {
    parity p;
    if (!load_parity(dir, &p)) {
        return;
    }
    int batch = p.c.batch;
    size_t classes = 1000;
    check(strlen(rexnet_version()) > 0, "rexnet_version is not empty", rexnet_version());

    rexnet_engine* engine = NULL;
    int status = rexnet_engine_create(p.c.model, p.weights, "cpu", batch + 1, p.c.height, p.c.width, &engine);
    check_status(status, REXNET_OK, "", "rexnet_engine_create with the case's model name");
    if (!engine) {
        free_parity(&p);
        return;
    }
    check(rexnet_engine_num_classes(engine) == 1000, "num_classes is the head's 1000", NULL);
    check(rexnet_engine_max_batch(engine) == batch + 1, "max_batch is what was asked", NULL);
    check(rexnet_engine_feature_count(engine) == (int)(p.pool_count / batch), "feature_count is the pool width", NULL);
    check(strcmp(rexnet_engine_device(engine), "cpu") == 0, "device is cpu", rexnet_engine_device(engine));
    check(strcmp(rexnet_engine_device_reason(engine), "CPU requested") == 0, "device reason", rexnet_engine_device_reason(engine));

    float* logits = (float*)calloc(classes * (batch + 1), sizeof(float));
    status = rexnet_engine_run(engine, p.input, batch, logits, classes * batch);
    check_status(status, REXNET_OK, "", "run the whole batch");
    check_close(logits, p.logits, classes * batch, "logits of the whole batch vs timm");

    for (int i = 0; i < batch; i++) {
        float one[1000];
        status = rexnet_engine_run(engine, p.input + i * p.image_floats, 1, one, classes);
        char what[128];
        snprintf(what, sizeof what, "image %d alone vs timm", i);
        check(status == REXNET_OK, what, rexnet_last_error());
        check_close(one, p.logits + i * classes, classes, what);
    }

    size_t features_per_image = (size_t)rexnet_engine_feature_count(engine);
    float* features = (float*)calloc(features_per_image * batch, sizeof(float));
    status = rexnet_engine_features(engine, p.input, batch, features, features_per_image * batch);
    check_status(status, REXNET_OK, "", "features of the whole batch");
    check_close(features, p.pool, features_per_image * batch, "features vs timm's pool");

    rexnet_prediction top[5];
    status = rexnet_engine_top_k(engine, p.logits, 5, top);
    check_status(status, REXNET_OK, "", "top_k of timm's logits");
    int best = 0;
    for (int k = 1; k < 1000; k++) {
        best = p.logits[k] > p.logits[best] ? k : best;
    }
    int ordered = top[0].class_index == best;
    for (int k = 1; k < 5; k++) {
        ordered = ordered && top[k].probability <= top[k - 1].probability &&
                  p.logits[top[k].class_index] <= p.logits[top[k - 1].class_index];
    }
    check(ordered, "top_k is the argmax first, then in falling order", NULL);
    check(top[0].synset && top[0].synset[0] == 'n' && top[0].label && strlen(top[0].label) > 0,
          "top_k names the synset and label", top[0].label);
    check(top[0].probability > 0 && top[0].probability <= 1, "top_k probability in (0, 1]", NULL);
    rexnet_engine_destroy(engine);

    rexnet_engine* single = create(&p, p.c.model, "cpu", batch, 1);
    if (single) {
        status = rexnet_engine_run(single, p.input, batch, logits, classes * batch);
        check(status == REXNET_OK, "run with one worker thread", rexnet_last_error());
        check_close(logits, p.logits, classes * batch, "one worker thread vs timm");
        rexnet_engine_destroy(single);
    }

    rexnet_engine* inferred = create(&p, NULL, "cpu", batch, 0);
    if (inferred) {
        status = rexnet_engine_run(inferred, p.input, batch, logits, classes * batch);
        check(status == REXNET_OK, "run with the model inferred from the weights", rexnet_last_error());
        check_close(logits, p.logits, classes * batch, "model inferred from the weights vs timm");
        rexnet_engine_destroy(inferred);
    }

    rexnet_engine* automatic = create(&p, p.c.model, "auto", batch, 0);
    if (automatic) {
        const char* device = rexnet_engine_device(automatic);
        check(strcmp(device, "cpu") == 0 || strcmp(device, "cuda:0") == 0, "auto picks cpu or cuda:0", device);
        check(strlen(rexnet_engine_device_reason(automatic)) > 0, "auto says why", NULL);
        rexnet_engine_destroy(automatic);
    }
    free(logits);
    free(features);
    free_parity(&p);
}

/* ---- errors ----------------------------------------------------------------------------------- */

#define SENTINEL ((rexnet_engine*)(uintptr_t)0x5eed)

/* Creation must fail with `expected` and set *engine to NULL. */
static void check_create_fails(const char* model, const char* weights, const char* device, int max_batch, int height,
                               int width, int expected, const char* needle, const char* what) {
    rexnet_engine* engine = SENTINEL;
    int status = rexnet_engine_create(model, weights, device, max_batch, height, width, &engine);
    check_status(status, expected, needle, what);
    check(engine == NULL, "... and *engine is NULL", what);
    if (status == REXNET_OK) {
        rexnet_engine_destroy(engine);
    }
}

static void write_file(const char* path, const void* bytes, size_t size) {
    FILE* f = fopen(path, "wb");
    if (f) {
        fwrite(bytes, 1, size, f);
        fclose(f);
    }
}

static void* last_error_on_thread(void* arg) {
    (void)arg;
    /* A fresh thread has no message, whatever other threads did. */
    const char* before = rexnet_last_error();
    int empty = before[0] == 0;
    rexnet_engine* engine = SENTINEL;
    rexnet_engine_create("rexnet_100", NULL, "cpu", 1, 224, 224, &engine);
    int own = strstr(rexnet_last_error(), "weights_path") != NULL;
    return (void*)(intptr_t)(empty && own);
}

static void test_errors(const char* dir, const char* images, const char* tmp) {
    parity p;
    if (!load_parity(dir, &p)) {
        return;
    }
    const char* w = p.weights;
    int h = p.c.height, wd = p.c.width;
    char path[4096];

    /* creation */
    check_status(rexnet_engine_create(p.c.model, w, "cpu", 1, h, wd, NULL), REXNET_ERR_INVALID_ARGUMENT, "engine",
                 "create with engine == NULL");
    check_create_fails(p.c.model, NULL, "cpu", 1, h, wd, REXNET_ERR_INVALID_ARGUMENT, "weights_path is NULL",
                       "create with weights_path == NULL");
    check_create_fails(p.c.model, w, NULL, 1, h, wd, REXNET_ERR_INVALID_ARGUMENT, "device is NULL",
                       "create with device == NULL");
    check_create_fails(p.c.model, w, "tpu", 1, h, wd, REXNET_ERR_INVALID_ARGUMENT, "tpu", "create on an unknown device");
    check_create_fails(p.c.model, w, "cuda:x", 1, h, wd, REXNET_ERR_INVALID_ARGUMENT, "cuda:x",
                       "create on a malformed cuda:N");
    check_create_fails("rexnet_999", w, "cpu", 1, h, wd, REXNET_ERR_NOT_FOUND, "rexnet_999", "create an unknown model");
    check_create_fails(strcmp(p.c.model, "rexnet_150") ? "rexnet_150" : "rexnet_100", w, "cpu", 1, h, wd,
                       REXNET_ERR_INVALID_FILE, "shape", "create a model the weights do not fit");
    check_create_fails(p.c.model, w, "cpu", 0, h, wd, REXNET_ERR_INVALID_ARGUMENT, "max_batch", "create with max_batch 0");
    check_create_fails(p.c.model, w, "cpu", -3, h, wd, REXNET_ERR_INVALID_ARGUMENT, "max_batch", "create with max_batch -3");
    check_create_fails(p.c.model, w, "cpu", 1025, h, wd, REXNET_ERR_INVALID_ARGUMENT, "1..1024",
                       "create with max_batch 1025");
    check_create_fails(p.c.model, w, "cpu", 1, 0, wd, REXNET_ERR_INVALID_ARGUMENT, "too small", "create with height 0");
    check_create_fails(p.c.model, w, "cpu", 1, h, -5, REXNET_ERR_INVALID_ARGUMENT, "too small", "create with width -5");
    snprintf(path, sizeof path, "%s/absent.safetensors", tmp);
    check_create_fails(p.c.model, path, "cpu", 1, h, wd, REXNET_ERR_NOT_FOUND, "absent.safetensors",
                       "create from a missing weights file");
    snprintf(path, sizeof path, "%s/garbage.safetensors", tmp);
    write_file(path, "this is not a safetensors file at all", 37);
    check_create_fails(p.c.model, path, "cpu", 1, h, wd, REXNET_ERR_INVALID_FILE, "garbage.safetensors",
                       "create from a malformed weights file");
    snprintf(path, sizeof path, "%s/empty.safetensors", tmp);
    write_file(path, "", 0);
    check_create_fails(p.c.model, path, "cpu", 1, h, wd, REXNET_ERR_INVALID_FILE, "empty.safetensors",
                       "create from an empty weights file");
    check_create_fails(NULL, path, "cpu", 1, h, wd, REXNET_ERR_INVALID_FILE, "empty.safetensors",
                       "create from an empty weights file, model from the weights");

    /* CUDA: this machine may have none; asked for explicitly, it never falls back. */
    rexnet_engine* cuda = SENTINEL;
    int status = rexnet_engine_create(p.c.model, w, "cuda", 1, h, wd, &cuda);
    check((status == REXNET_OK && cuda != NULL) ||
              (status == REXNET_ERR_DEVICE_UNAVAILABLE && cuda == NULL && strstr(rexnet_last_error(), "CUDA")),
          "create on cuda works or says CUDA is unavailable", rexnet_last_error());
    rexnet_engine_destroy(status == REXNET_OK ? cuda : NULL);
    check_create_fails(p.c.model, w, "cuda:4096", 1, h, wd, cuda == NULL ? REXNET_ERR_DEVICE_UNAVAILABLE : REXNET_ERR_NOT_FOUND,
                       "CUDA", "create on a GPU that does not exist");

    /* options */
    rexnet_engine* engine = SENTINEL;
    check_status(rexnet_engine_create_with_options(NULL, &engine), REXNET_ERR_INVALID_ARGUMENT, "options is NULL",
                 "create_with_options with options == NULL");
    check(engine == NULL, "... and *engine is NULL", NULL);
    rexnet_options options;
    rexnet_options_init(&options);
    check(options.size == sizeof options && options.model == NULL && options.weights_path == NULL &&
              strcmp(options.device, "auto") == 0 && options.max_batch == 1 && options.height == 224 &&
              options.width == 224 && options.threads == 0 && options.apply_exif_orientation == 0,
          "rexnet_options_init fills the documented defaults", NULL);
    rexnet_options_init(NULL);
    check(1, "rexnet_options_init(NULL) is a no-op", NULL);
    options.weights_path = w;
    options.height = h;
    options.width = wd;
    options.size = 0;
    check_status(rexnet_engine_create_with_options(&options, &engine), REXNET_ERR_INVALID_ARGUMENT,
                 "rexnet_options_init", "create_with_options without options.size");
    options.size = sizeof options;
    options.apply_exif_orientation = 2;
    check_status(rexnet_engine_create_with_options(&options, &engine), REXNET_ERR_INVALID_ARGUMENT,
                 "apply_exif_orientation", "create_with_options with apply_exif_orientation 2");
    options.apply_exif_orientation = 0;
    options.threads = -1;
    check_status(rexnet_engine_create_with_options(&options, &engine), REXNET_ERR_INVALID_ARGUMENT, "threads",
                 "create_with_options with threads -1");

    /* a good engine for the calls below */
    check_status(rexnet_engine_create(p.c.model, w, "cpu", 2, h, wd, &engine), REXNET_OK, "", "create a good engine");
    if (!engine) {
        free_parity(&p);
        return;
    }
    float* logits = (float*)calloc(3000, sizeof(float));
    float* features = (float*)calloc(4096, sizeof(float));
    int nf = rexnet_engine_feature_count(engine);
    check_status(rexnet_engine_run(NULL, p.input, 1, logits, 1000), REXNET_ERR_INVALID_ARGUMENT, "engine is NULL",
                 "run with engine == NULL");
    check_status(rexnet_engine_run(engine, NULL, 1, logits, 1000), REXNET_ERR_INVALID_ARGUMENT, "input is NULL",
                 "run with input == NULL");
    check_status(rexnet_engine_run(engine, p.input, 0, logits, 1000), REXNET_ERR_INVALID_ARGUMENT, "batch 0",
                 "run with batch 0");
    check_status(rexnet_engine_run(engine, p.input, -1, logits, 1000), REXNET_ERR_INVALID_ARGUMENT, "batch -1",
                 "run with batch -1");
    check_status(rexnet_engine_run(engine, p.input, 3, logits, 3000), REXNET_ERR_INVALID_ARGUMENT, "1..2",
                 "run with batch over max_batch");
    check_status(rexnet_engine_run(engine, p.input, 1, NULL, 1000), REXNET_ERR_INVALID_ARGUMENT, "logits is NULL",
                 "run with logits == NULL");
    logits[0] = 12345.0f;
    check_status(rexnet_engine_run(engine, p.input, 1, logits, 999), REXNET_ERR_INVALID_ARGUMENT, "999",
                 "run with logits_capacity one short");
    check(logits[0] == 12345.0f, "... and logits are untouched", NULL);
    check_status(rexnet_engine_features(engine, p.input, 1, features, (size_t)nf - 1), REXNET_ERR_INVALID_ARGUMENT,
                 "features_capacity", "features with features_capacity one short");
    check_status(rexnet_engine_features(engine, NULL, 1, features, (size_t)nf), REXNET_ERR_INVALID_ARGUMENT,
                 "input is NULL", "features with input == NULL");
    check_status(rexnet_engine_features(engine, p.input, 1, NULL, (size_t)nf), REXNET_ERR_INVALID_ARGUMENT,
                 "features is NULL", "features with features == NULL");
    check_status(rexnet_engine_run(engine, p.input, 1, logits, 1000), REXNET_OK, "",
                 "a good run after failures works and clears the message");

    /* getters */
    check(rexnet_engine_num_classes(NULL) == -1 && strstr(rexnet_last_error(), "NULL"), "num_classes(NULL) is -1",
          rexnet_last_error());
    check(rexnet_engine_feature_count(NULL) == -1, "feature_count(NULL) is -1", NULL);
    check(rexnet_engine_max_batch(NULL) == -1, "max_batch(NULL) is -1", NULL);
    check(rexnet_engine_device(NULL) == NULL && rexnet_engine_device_reason(NULL) == NULL,
          "device(NULL) and device_reason(NULL) are NULL", NULL);
    check(rexnet_engine_num_classes(engine) == 1000 && rexnet_last_error()[0] == 0,
          "a good getter clears the message", rexnet_last_error());

    /* top_k */
    rexnet_prediction top[1000];
    check_status(rexnet_engine_top_k(engine, logits, 0, top), REXNET_ERR_INVALID_ARGUMENT, "top_k 0", "top_k 0");
    check_status(rexnet_engine_top_k(engine, logits, 1001, top), REXNET_ERR_INVALID_ARGUMENT, "1..1000", "top_k 1001");
    check_status(rexnet_engine_top_k(engine, NULL, 5, top), REXNET_ERR_INVALID_ARGUMENT, "logits is NULL",
                 "top_k with logits == NULL");
    check_status(rexnet_engine_top_k(engine, logits, 5, NULL), REXNET_ERR_INVALID_ARGUMENT, "predictions is NULL",
                 "top_k with predictions == NULL");
    check_status(rexnet_engine_top_k(NULL, logits, 5, top), REXNET_ERR_INVALID_ARGUMENT, "engine is NULL",
                 "top_k with engine == NULL");
    check_status(rexnet_engine_top_k(engine, logits, 1000, top), REXNET_OK, "", "top_k of every class");

    /* classify_file: a non-square engine crops its own height x width (timm's ResizeKeepRatio) */
    if (h != wd) {
        snprintf(path, sizeof path, "%s/chelsea.png", images);
        check_status(rexnet_engine_classify_file(engine, path, 5, top), REXNET_OK, "", "classify on a non-square engine");
    }
    rexnet_engine* square = NULL;
    check_status(rexnet_engine_create(p.c.model, w, "cpu", 1, 224, 224, &square), REXNET_OK, "",
                 "create a square engine");
    snprintf(path, sizeof path, "%s/absent.png", tmp);
    check_status(rexnet_engine_classify_file(square, path, 5, top), REXNET_ERR_NOT_FOUND, "absent.png",
                 "classify a missing file");
    snprintf(path, sizeof path, "%s/truncated.jpg", images);
    check_status(rexnet_engine_classify_file(square, path, 5, top), REXNET_ERR_INVALID_FILE, "truncated.jpg",
                 "classify a truncated JPEG");
    snprintf(path, sizeof path, "%s/notes.png", tmp);
    write_file(path, "just some text, not an image", 28);
    check_status(rexnet_engine_classify_file(square, path, 5, top), REXNET_ERR_INVALID_FILE, "notes.png",
                 "classify a text file named .png");
    check_status(rexnet_engine_classify_file(square, tmp, 5, top), REXNET_ERR_NOT_FOUND, "",
                 "classify a directory");
    check_status(rexnet_engine_classify_file(square, NULL, 5, top), REXNET_ERR_INVALID_ARGUMENT, "image_path is NULL",
                 "classify with image_path == NULL");
    snprintf(path, sizeof path, "%s/chelsea.png", images);
    check_status(rexnet_engine_classify_file(square, path, 0, top), REXNET_ERR_INVALID_ARGUMENT, "top_k 0",
                 "classify with top_k 0");
    check_status(rexnet_engine_classify_file(square, path, 5, NULL), REXNET_ERR_INVALID_ARGUMENT, "predictions is NULL",
                 "classify with predictions == NULL");
    rexnet_engine_destroy(square);

    /* destroy, stale and made-up handles */
    rexnet_engine_destroy(NULL);
    check(rexnet_last_error()[0] == 0, "destroy(NULL) is a no-op", rexnet_last_error());
    rexnet_engine_destroy(engine);
    check(rexnet_last_error()[0] == 0, "destroy succeeds", rexnet_last_error());
    check_status(rexnet_engine_run(engine, p.input, 1, logits, 1000), REXNET_ERR_INVALID_ARGUMENT, "not a live engine",
                 "run after destroy");
    check(rexnet_engine_num_classes(engine) == -1 && strstr(rexnet_last_error(), "not a live engine"),
          "num_classes after destroy is -1", rexnet_last_error());
    rexnet_engine_destroy(engine);
    check(strstr(rexnet_last_error(), "already destroyed") != NULL, "a second destroy is reported, not a crash",
          rexnet_last_error());
    check_status(rexnet_engine_run((rexnet_engine*)(uintptr_t)0x1234, p.input, 1, logits, 1000),
                 REXNET_ERR_INVALID_ARGUMENT, "not a live engine", "run on a made-up handle");

    /* the message is per thread */
    pthread_t thread;
    void* result = NULL;
    pthread_create(&thread, NULL, last_error_on_thread, NULL);
    pthread_join(thread, &result);
    check(result != NULL, "another thread has its own last error", NULL);
    check(strstr(rexnet_last_error(), "not a live engine") != NULL, "... and this thread's message is unchanged",
          rexnet_last_error());

    free(logits);
    free(features);
    free_parity(&p);
}

/* ---- threads ---------------------------------------------------------------------------------- */

typedef struct worker {
    const parity* p;
    rexnet_engine* engine; /* shared, or NULL to make its own */
    int runs;
    int ok;
    int busy;
    int destroyed;
    int wrong;
    int other;
    char message[512];
} worker;

static pthread_mutex_t progress_lock = PTHREAD_MUTEX_INITIALIZER;

static int runs_done(worker* wk) {
    pthread_mutex_lock(&progress_lock);
    int done = wk->ok + wk->wrong;
    pthread_mutex_unlock(&progress_lock);
    return done;
}

static void* run_worker(void* arg) {
    worker* wk = (worker*)arg;
    const parity* p = wk->p;
    rexnet_engine* engine = wk->engine;
    if (!engine) {
        int status = rexnet_engine_create(p->c.model, p->weights, "cpu", p->c.batch, p->c.height, p->c.width, &engine);
        if (status != REXNET_OK) {
            wk->other++;
            snprintf(wk->message, sizeof wk->message, "%s", rexnet_last_error());
            return NULL;
        }
    }
    float* logits = (float*)malloc(sizeof(float) * 1000 * p->c.batch);
    for (int i = 0; i < wk->runs; i++) {
        int status = rexnet_engine_run(engine, p->input, p->c.batch, logits, (size_t)1000 * p->c.batch);
        char detail[256];
        if (status == REXNET_OK) {
            int good = close_enough(logits, p->logits, (size_t)1000 * p->c.batch, detail, sizeof detail);
            pthread_mutex_lock(&progress_lock);
            wk->ok += good;
            wk->wrong += !good;
            pthread_mutex_unlock(&progress_lock);
        } else if (status == REXNET_ERR_BUSY) {
            wk->busy++;
        } else if (status == REXNET_ERR_INVALID_ARGUMENT && strstr(rexnet_last_error(), "not a live engine")) {
            wk->destroyed++;
            break;
        } else {
            wk->other++;
            snprintf(wk->message, sizeof wk->message, "status %d: %s", status, rexnet_last_error());
        }
    }
    free(logits);
    if (!wk->engine) {
        rexnet_engine_destroy(engine);
    }
    return NULL;
}

static void test_threads(const char* dir) {
    parity p;
    if (!load_parity(dir, &p)) {
        return;
    }
    enum { THREADS = 3 };
    pthread_t threads[THREADS];
    worker workers[THREADS];
    char detail[1024];

    /* one engine per thread, all at once */
    for (int t = 0; t < THREADS; t++) {
        memset(&workers[t], 0, sizeof workers[t]);
        workers[t].p = &p;
        workers[t].runs = 3;
        pthread_create(&threads[t], NULL, run_worker, &workers[t]);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        snprintf(detail, sizeof detail, "ok %d, busy %d, wrong %d, other %d %s", workers[t].ok, workers[t].busy,
                 workers[t].wrong, workers[t].other, workers[t].message);
        check(workers[t].ok == 3, "an engine per thread: every run right", detail);
    }

    /* one engine shared by every thread: each call either runs right or is refused as busy */
    rexnet_engine* shared = create(&p, p.c.model, "cpu", p.c.batch, 1);
    if (!shared) {
        free_parity(&p);
        return;
    }
    int ok = 0, busy = 0;
    for (int t = 0; t < THREADS; t++) {
        memset(&workers[t], 0, sizeof workers[t]);
        workers[t].p = &p;
        workers[t].engine = shared;
        workers[t].runs = 6;
        pthread_create(&threads[t], NULL, run_worker, &workers[t]);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        ok += workers[t].ok;
        busy += workers[t].busy;
        snprintf(detail, sizeof detail, "wrong %d, other %d %s", workers[t].wrong, workers[t].other, workers[t].message);
        check(workers[t].wrong == 0 && workers[t].other == 0 && workers[t].ok + workers[t].busy == 6,
              "a shared engine: every call runs right or returns REXNET_ERR_BUSY", detail);
    }
    snprintf(detail, sizeof detail, "%d right, %d busy", ok, busy);
    check(ok >= 1, "a shared engine: calls got through", detail);
    printf("# shared engine: %s\n", detail);

    /* destroy while another thread keeps running: it runs back to back, so destroy lands mid-call */
    worker racer;
    memset(&racer, 0, sizeof racer);
    racer.p = &p;
    racer.engine = shared;
    racer.runs = 1000; /* a bound, should destroy never reach it */
    pthread_create(&threads[0], NULL, run_worker, &racer);
    while (runs_done(&racer) < 2) {
        sched_yield();
    }
    rexnet_engine_destroy(shared);
    check(rexnet_last_error()[0] == 0, "destroy while another thread runs", rexnet_last_error());
    pthread_join(threads[0], NULL);
    snprintf(detail, sizeof detail, "ok %d, busy %d, destroyed %d, wrong %d, other %d %s", racer.ok, racer.busy,
             racer.destroyed, racer.wrong, racer.other, racer.message);
    check(racer.destroyed == 1 && racer.wrong == 0 && racer.other == 0,
          "the racing thread finishes its call, then is told the engine is gone", detail);
    free_parity(&p);
}

/* ---- classify --------------------------------------------------------------------------------- */

/* classify_file on an image must give what running timm's own preprocessed tensor of it gives;
   tensor NULL checks only that the file classifies to five labelled classes. */
static void classify_against_timm(rexnet_engine* engine, const char* image, const char* tensor_path) {
    char what[512];
    const char* name = strrchr(image, '/') ? strrchr(image, '/') + 1 : image;
    rexnet_prediction from_file[5];
    int status = rexnet_engine_classify_file(engine, image, 5, from_file);
    snprintf(what, sizeof what, "classify_file %s", name);
    check_status(status, REXNET_OK, "", what);
    if (status != REXNET_OK) {
        return;
    }
    float sum = 0;
    int ordered = 1;
    for (int k = 0; k < 5; k++) {
        sum += from_file[k].probability;
        ordered = ordered && (k == 0 || from_file[k].probability <= from_file[k - 1].probability);
        ordered = ordered && from_file[k].class_index >= 0 && from_file[k].class_index < 1000 &&
                  from_file[k].label && from_file[k].label[0];
    }
    snprintf(what, sizeof what, "classify_file %s: five labelled classes, falling probabilities", name);
    check(ordered && sum > 0 && sum <= 1.0001f, what, NULL);
    if (!tensor_path) {
        return;
    }
    size_t count = 0;
    float* tensor = td_load_npy(tensor_path, &count);
    float logits[1000];
    rexnet_prediction from_tensor[5];
    status = tensor ? rexnet_engine_run(engine, tensor, 1, logits, 1000) : -1;
    status = status == REXNET_OK ? rexnet_engine_top_k(engine, logits, 5, from_tensor) : status;
    snprintf(what, sizeof what, "run + top_k on timm's tensor of %s", name);
    check(status == REXNET_OK, what, rexnet_last_error());
    int same = status == REXNET_OK;
    char detail[512] = "";
    for (int k = 0; same && k < 5; k++) {
        same = from_file[k].class_index == from_tensor[k].class_index &&
               fabsf(from_file[k].probability - from_tensor[k].probability) <= 1e-5f &&
               strcmp(from_file[k].label, from_tensor[k].label) == 0;
        snprintf(detail, sizeof detail, "rank %d: file %d (%g) vs tensor %d (%g)", k, from_file[k].class_index,
                 from_file[k].probability, from_tensor[k].class_index, from_tensor[k].probability);
    }
    snprintf(what, sizeof what, "classify_file %s equals timm's preprocessing", name);
    check(same, what, detail);
    free(tensor);
}

static rexnet_engine* square_engine(const parity* p, int size, int apply_exif_orientation) {
    rexnet_options options;
    rexnet_options_init(&options);
    options.weights_path = p->weights;
    options.device = "cpu";
    options.height = options.width = size;
    options.apply_exif_orientation = apply_exif_orientation;
    rexnet_engine* engine = NULL;
    char what[128];
    snprintf(what, sizeof what, "create a %dx%d engine, apply_exif_orientation %d", size, size, apply_exif_orientation);
    check_status(rexnet_engine_create_with_options(&options, &engine), REXNET_OK, "", what);
    return engine;
}

/* images: ../shared/images (224 x 224, timm_eval_224); formats: the PIL reference cases (32 x 32). */
static void test_classify(const char* dir, const char* images, const char* formats) {
    parity p;
    if (!load_parity(dir, &p)) {
        return;
    }
    char image[4096], tensor[4096];
    rexnet_engine* engine = square_engine(&p, 224, 0);
    if (engine) {
        const char* names[] = {"chelsea", "camera"};
        for (int i = 0; i < 2; i++) {
            snprintf(image, sizeof image, "%s/%s.png", images, names[i]);
            snprintf(tensor, sizeof tensor, "%s/timm_eval_224/%s.npy", images, names[i]);
            classify_against_timm(engine, image, tensor);
        }
        snprintf(image, sizeof image, "%s/rocket.jpg", images);
        classify_against_timm(engine, image, NULL);
        rexnet_engine_destroy(engine);
    }

    /* every format through the bundled decoder, pixel-exact with PIL */
    engine = square_engine(&p, 32, 0);
    if (engine) {
        const char* cases[] = {"png_rgb.png", "png_palette.png", "png_rgba16.png", "jpeg_420_odd.jpg", "jpeg_cmyk.jpg",
                               "webp_lossless.webp", "webp_lossy.webp", "gif.gif", "bmp_rgb.bmp", "png_exif6.png"};
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            snprintf(image, sizeof image, "%s/%s", formats, cases[i]);
            snprintf(tensor, sizeof tensor, "%s/%.*s.timm.npy", formats, (int)(strrchr(cases[i], '.') - cases[i]), cases[i]);
            classify_against_timm(engine, image, tensor);
        }
        rexnet_engine* upright = square_engine(&p, 32, 1);
        snprintf(image, sizeof image, "%s/png_exif6.png", formats);
        rexnet_prediction ignored[1], applied[1];
        int status = rexnet_engine_classify_file(engine, image, 1, ignored);
        status = status == REXNET_OK && upright ? rexnet_engine_classify_file(upright, image, 1, applied) : status;
        check(status == REXNET_OK && (ignored[0].class_index != applied[0].class_index ||
                                      ignored[0].probability != applied[0].probability),
              "apply_exif_orientation 1 turns an EXIF-6 photo before classifying it", rexnet_last_error());
        rexnet_engine_destroy(upright);
        rexnet_engine_destroy(engine);
    }
    free_parity(&p);
}

/* ---- a fine-tuned head ------------------------------------------------------------------------ */

/* HEAD_WEIGHTS: the case's weights with head.fc cut to its first three rows and labelled
   "ok", "défaut", "chat" (rexnet.labels): its logits are the first three of timm's. */
static void test_head(const char* dir, const char* head_weights) {
    parity p;
    if (!load_parity(dir, &p)) {
        return;
    }
    snprintf(p.weights, sizeof p.weights, "%s", head_weights);
    int batch = p.c.batch;
    rexnet_engine* engine = create(&p, NULL, "cpu", batch, 0);
    if (!engine) {
        free_parity(&p);
        return;
    }
    check(rexnet_engine_num_classes(engine) == 3, "num_classes comes from the weights' head", NULL);
    float logits[64];
    check_status(rexnet_engine_run(engine, p.input, batch, logits, (size_t)3 * batch - 1), REXNET_ERR_INVALID_ARGUMENT,
                 "needs", "run with room for one logit too few of a 3-class head");
    check_status(rexnet_engine_run(engine, p.input, batch, logits, (size_t)3 * batch), REXNET_OK, "",
                 "run a 3-class head");
    float expected[64];
    for (int i = 0; i < batch; i++) {
        memcpy(expected + 3 * i, p.logits + 1000 * i, 3 * sizeof(float));
    }
    check_close(logits, expected, (size_t)3 * batch, "3-class head vs timm's first three logits");
    rexnet_prediction top[3];
    check_status(rexnet_engine_top_k(engine, logits, 4, top), REXNET_ERR_INVALID_ARGUMENT, "1..3", "top_k 4 of 3 classes");
    check_status(rexnet_engine_top_k(engine, logits, 3, top), REXNET_OK, "", "top_k 3 of 3 classes");
    int labelled = 1;
    for (int k = 0; k < 3; k++) {
        const char* want = top[k].class_index == 0 ? "ok" : top[k].class_index == 1 ? "d\xc3\xa9" "faut" : "chat";
        labelled = labelled && top[k].synset == NULL && strcmp(top[k].label, want) == 0;
    }
    check(labelled, "a fine-tuned head's classes carry its labels and no synset", top[0].label);
    rexnet_engine_destroy(engine);
    free_parity(&p);
}

int main(int argc, char** argv) {
    if (argc >= 3 && strcmp(argv[1], "parity") == 0) {
        test_parity(argv[2]);
    } else if (argc >= 5 && strcmp(argv[1], "errors") == 0) {
        test_errors(argv[2], argv[3], argv[4]);
    } else if (argc >= 3 && strcmp(argv[1], "threads") == 0) {
        test_threads(argv[2]);
    } else if (argc >= 4 && strcmp(argv[1], "head") == 0) {
        test_head(argv[2], argv[3]);
    } else if (argc >= 5 && strcmp(argv[1], "classify") == 0) {
        test_classify(argv[2], argv[3], argv[4]);
    } else {
        fprintf(stderr,
                "usage: capi_test parity CASE_DIR | errors CASE_DIR IMAGES_DIR TMP_DIR | threads CASE_DIR | "
                "classify CASE_DIR IMAGES_DIR FORMATS_DIR | head CASE_DIR HEAD_WEIGHTS\n");
        return 2;
    }
    printf("# %d checks, %d failures\n", checks, failures);
    return failures == 0 && checks > 0 ? 0 : 1;
}
