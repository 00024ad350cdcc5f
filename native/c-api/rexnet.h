/*
 * rexnet.h: the C API of RexNetCuda, a ReXNet image-classification engine (timm's rexnet_* and
 * rexnetr_* models) for the CPU (SIMD, multi-threaded) and NVIDIA GPUs (CUDA).
 *
 * Link with librexnet.so (built by native/c-api/build.sh). The header is C99 and C++ (extern "C");
 * rexnet.hpp wraps it in C++ RAII classes.
 *
 *     rexnet_engine* engine = NULL;
 *     if (rexnet_engine_create(NULL, "model.safetensors", "auto", 1, 224, 224, &engine) != REXNET_OK) {
 *         fprintf(stderr, "%s\n", rexnet_last_error());
 *         return 1;
 *     }
 *     float logits[1000];
 *     rexnet_engine_run(engine, input, 1, logits, 1000);   // input: float[1][3][224][224], normalised
 *     rexnet_engine_destroy(engine);
 *
 * Status codes. Every function that returns int returns REXNET_OK (0) or one of REXNET_ERR_*; on
 * failure rexnet_last_error() holds a one-line message naming what is wrong. No C++ or .NET exception
 * ever leaves the library, and every pointer and number argument is checked.
 *
 * Threads. Everything may be called from any thread, and any number of engines may live and run in
 * one process at once. One engine runs one call at a time: a call that overlaps another call on the
 * same engine fails with REXNET_ERR_BUSY and changes nothing (give each thread its own engine).
 * rexnet_engine_top_k, the getters and rexnet_last_error never wait and may overlap anything.
 * rexnet_engine_destroy may be called while another thread is inside a call on that engine: the
 * engine is freed when that call returns, and later calls with the handle fail with
 * REXNET_ERR_INVALID_ARGUMENT (a destroyed handle is recognised, never dereferenced).
 *
 * Strings. Strings passed in are NUL-terminated UTF-8 and are not kept after the call. Strings
 * handed out are owned by the library: never free them.
 */
#ifndef REXNET_H
#define REXNET_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes ------------------------------------------------------------------------------ */

#define REXNET_OK 0
/* An argument is NULL, out of range or contradicts another (batch, capacity, top_k, device name...). */
#define REXNET_ERR_INVALID_ARGUMENT 1
/* A file (weights, image) is unreadable or malformed, or the weights do not fit the model. */
#define REXNET_ERR_INVALID_FILE 2
/* Something named does not exist: a file, a model name. */
#define REXNET_ERR_NOT_FOUND 3
/* The device asked for cannot be used here (no driver, no GPU, no NVRTC or cuBLAS). "auto" falls
   back to the CPU instead of failing with this. */
#define REXNET_ERR_DEVICE_UNAVAILABLE 4
/* The device or its libraries failed while in use (a CUDA call returned an error). */
#define REXNET_ERR_DEVICE_FAILURE 5
/* A bug in the library: please report the message. */
#define REXNET_ERR_INTERNAL 6
/* Another thread is inside a call on the same engine. */
#define REXNET_ERR_BUSY 7
/* Memory for the engine or the call could not be allocated. */
#define REXNET_ERR_OUT_OF_MEMORY 8

/* ---- the library ------------------------------------------------------------------------------- */

/* An engine: one model with its weights, on one device, with buffers for 1..max_batch images of one
   height x width. Opaque; made by rexnet_engine_create, freed by rexnet_engine_destroy. */
typedef struct rexnet_engine rexnet_engine;

/* The library's version and the commit it was built from, e.g. "1.0.0+3f2a...". Static; never NULL. */
const char* rexnet_version(void);

/* This thread's message for its most recent rexnet call (other than rexnet_version, rexnet_last_error
   and rexnet_options_init, which never fail): one line saying what went wrong, or "" when that call
   succeeded. Never NULL; valid until this thread's next rexnet call. Other threads' calls never
   change it. */
const char* rexnet_last_error(void);

/* ---- creating engines -------------------------------------------------------------------------- */

/* Creates an engine; all memory is allocated here, none per run.
   model:        a zoo name ("rexnet_100" ... "rexnetr_300", or the aliases "ReXNet_1_0" ...), or NULL to
                 infer it from the weights.
   weights_path: a timm-layout .safetensors file (the state_dict of timm's ReXNet; F32, F16 or BF16).
   device:       "auto" (CUDA when usable, else the CPU; rexnet_engine_device says which and
                 rexnet_engine_device_reason why), "cpu", "cuda" (the first GPU) or "cuda:N".
                 Asking for CUDA never falls back: it fails with REXNET_ERR_DEVICE_UNAVAILABLE.
   max_batch:    the largest batch a run may pass, 1..1024 (every size up to it is planned here).
   height/width: the input size of every run, e.g. 224 x 224.
   engine:       receives the engine, or NULL when creation fails.
   Uses one CPU worker thread per core; rexnet_engine_create_with_options chooses. */
int rexnet_engine_create(const char* model, const char* weights_path, const char* device,
                         int max_batch, int height, int width, rexnet_engine** engine);

/* Every creation option. Initialise with rexnet_options_init, then set what differs. */
typedef struct rexnet_options {
    size_t size;              /* sizeof(rexnet_options): set by rexnet_options_init; lets the struct grow */
    const char* model;        /* as for rexnet_engine_create; default NULL (from the weights) */
    const char* weights_path; /* required; default NULL */
    const char* device;       /* default "auto" */
    int max_batch;            /* default 1 */
    int height;               /* default 224 */
    int width;                /* default 224 */
    int threads;              /* CPU worker threads including the caller's; 0 (default) = one per core */
    int apply_exif_orientation; /* rexnet_engine_classify_file: 0 (default) ignores EXIF orientation as
                                   timm and PIL do; 1 turns photos upright first, as they are shown */
} rexnet_options;

/* Fills *options with the defaults above. NULL is a no-op. */
void rexnet_options_init(rexnet_options* options);

/* As rexnet_engine_create, with every option. */
int rexnet_engine_create_with_options(const rexnet_options* options, rexnet_engine** engine);

/* Frees the engine (see Threads above). NULL is a no-op; a handle already destroyed is reported by
   rexnet_last_error() and otherwise ignored. */
void rexnet_engine_destroy(rexnet_engine* engine);

/* ---- about an engine --------------------------------------------------------------------------- */

/* The number of classes of the model's head (from the weights: a fine-tuned head has its own),
   i.e. the floats of logits per image. -1 for a NULL or destroyed engine. */
int rexnet_engine_num_classes(const rexnet_engine* engine);

/* The floats of pooled features per image (the penultimate layer, rexnet_engine_features). -1 for a
   NULL or destroyed engine. */
int rexnet_engine_feature_count(const rexnet_engine* engine);

/* The max_batch the engine was created with. -1 for a NULL or destroyed engine. */
int rexnet_engine_max_batch(const rexnet_engine* engine);

/* "cpu" or "cuda:N": what the engine runs on (for "auto", what it chose). Owned by the engine, valid until it is destroyed; NULL for
   a NULL or destroyed engine. */
const char* rexnet_engine_device(const rexnet_engine* engine);

/* Why that device: "CPU requested", "CUDA requested (cuda:0)", or for "auto" e.g.
   "CPU: no NVIDIA driver (libcuda.so.1 not found)".
   Lifetime as rexnet_engine_device. */
const char* rexnet_engine_device_reason(const rexnet_engine* engine);

/* ---- running ----------------------------------------------------------------------------------- */

/* Runs batch images (1..max_batch) and writes their logits, [batch][num_classes] floats, row by row.
   input:           batch x 3 x height x width floats, NCHW, already normalised as the model was
                    trained (timm: RGB scaled to [0, 1], minus mean (0.485, 0.456, 0.406), divided by
                    std (0.229, 0.224, 0.225)). The library cannot check its length: pass enough.
   logits_capacity: the floats logits can hold, at least batch x num_classes. */
int rexnet_engine_run(rexnet_engine* engine, const float* input, int batch,
                      float* logits, size_t logits_capacity);

/* As rexnet_engine_run, but writes the pooled features, [batch][feature_count] floats (the input of
   the classifier: for embeddings, retrieval, or a head of your own). */
int rexnet_engine_features(rexnet_engine* engine, const float* input, int batch,
                           float* features, size_t features_capacity);

/* ---- classes ----------------------------------------------------------------------------------- */

/* One class of a result. synset and label are owned by the engine and valid until it is destroyed.
   Labels are those the weights declare (a fine-tuned head's, metadata key rexnet.labels), else
   ImageNet-1k's for a 1000-class head, else "class_0", "class_1", ... */
typedef struct rexnet_prediction {
    int class_index;     /* 0 .. num_classes - 1 */
    float probability;   /* softmax over all classes */
    const char* synset;  /* ImageNet-1k's WordNet id, e.g. "n02123045"; NULL for other classes */
    const char* label;   /* e.g. "tabby, tabby cat" */
} rexnet_prediction;

/* The top_k (1..num_classes) most probable classes of one image's logits (num_classes floats, e.g.
   one row of rexnet_engine_run's output), most probable first; ties go to the lower index.
   predictions must hold top_k entries. Does not run the engine. */
int rexnet_engine_top_k(const rexnet_engine* engine, const float* logits, int top_k,
                        rexnet_prediction* predictions);

/* Decodes a JPEG, PNG, WebP, GIF (first frame) or BMP file to the pixels PIL gives, preprocesses them
   as timm's evaluation transform does (resize with antialiased bicubic to cover height and width divided
   by the model's eval crop fraction, 0.875 or 1.0 for rexnetr_200/300, keeping the aspect ratio; centre
   crop; normalise; EXIF orientation as apply_exif_orientation says), runs them and writes the top_k
   classes into predictions (top_k entries). Any engine size works, square or not.
   Images over 50 megapixels and malformed files fail with REXNET_ERR_INVALID_FILE. Decoding uses
   libSkiaSharp.so, which build.sh puts next to librexnet.so: ship the two together. */
int rexnet_engine_classify_file(rexnet_engine* engine, const char* image_path, int top_k,
                                rexnet_prediction* predictions);

#ifdef __cplusplus
}
#endif

#endif /* REXNET_H */
