/*
 * Readers for the parity material the C API tests use: float32 .npy files, one tensor of a
 * .safetensors file, and the fields of a parity case's case.json. Only as strict as trusted test
 * data needs; each returns NULL / 0 and prints why when a file is not what it expects.
 */
#ifndef REXNET_TESTDATA_H
#define REXNET_TESTDATA_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file in malloc'd memory, or NULL. */
static char* td_read_file(const char* path, size_t* size) {
    FILE* f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "testdata: cannot open %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long length = ftell(f);
    fseek(f, 0, SEEK_SET);
    char* bytes = (char*)malloc((size_t)length + 1);
    if (!bytes || fread(bytes, 1, (size_t)length, f) != (size_t)length) {
        fprintf(stderr, "testdata: cannot read %s\n", path);
        free(bytes);
        fclose(f);
        return NULL;
    }
    fclose(f);
    bytes[length] = 0;
    *size = (size_t)length;
    return bytes;
}

/* A little-endian float32 C-order .npy file's values (malloc'd), their count in *count. */
static float* td_load_npy(const char* path, size_t* count) {
    size_t size = 0;
    char* bytes = td_read_file(path, &size);
    if (!bytes) {
        return NULL;
    }
    if (size < 10 || memcmp(bytes, "\x93NUMPY", 6) != 0) {
        fprintf(stderr, "testdata: %s is not a .npy file\n", path);
        free(bytes);
        return NULL;
    }
    size_t header_length = bytes[6] == 1 ? (size_t)(unsigned char)bytes[8] | (size_t)(unsigned char)bytes[9] << 8
                                         : (size_t)(unsigned char)bytes[8] | (size_t)(unsigned char)bytes[9] << 8 |
                                               (size_t)(unsigned char)bytes[10] << 16 | (size_t)(unsigned char)bytes[11] << 24;
    size_t header_start = bytes[6] == 1 ? 10 : 12;
    size_t start = header_start + header_length;
    if (start > size) {
        fprintf(stderr, "testdata: %s is truncated\n", path);
        free(bytes);
        return NULL;
    }
    char first_value = bytes[start];
    bytes[start] = 0;
    int float32 = strstr(bytes + header_start, "'<f4'") && strstr(bytes + header_start, "'fortran_order': False");
    bytes[start] = first_value;
    if (!float32) {
        fprintf(stderr, "testdata: %s is not a C-order float32 .npy file\n", path);
        free(bytes);
        return NULL;
    }
    *count = (size - start) / sizeof(float);
    float* values = (float*)malloc(*count * sizeof(float));
    if (values) {
        memcpy(values, bytes + start, *count * sizeof(float));
    }
    free(bytes);
    return values;
}

/* The F32 tensor called name in a .safetensors file (malloc'd), its element count in *count. */
static float* td_load_safetensor(const char* path, const char* name, size_t* count) {
    size_t size = 0;
    char* bytes = td_read_file(path, &size);
    if (!bytes) {
        return NULL;
    }
    uint64_t header_length = 0;
    memcpy(&header_length, bytes, sizeof header_length);
    char key[128];
    snprintf(key, sizeof key, "\"%s\"", name);
    char* header = bytes + 8;
    char saved = header[header_length];
    header[header_length] = 0;
    char* entry = strstr(header, key);
    char* offsets = entry ? strstr(entry, "\"data_offsets\"") : NULL;
    unsigned long long begin = 0, end = 0;
    if (!offsets || sscanf(offsets, "\"data_offsets\" : [ %llu , %llu ]", &begin, &end) != 2 ||
        8 + header_length + end > size) {
        fprintf(stderr, "testdata: no tensor %s in %s\n", name, path);
        free(bytes);
        return NULL;
    }
    header[header_length] = saved;
    *count = (size_t)(end - begin) / sizeof(float);
    float* values = (float*)malloc(*count * sizeof(float));
    if (values) {
        memcpy(values, bytes + 8 + header_length + begin, *count * sizeof(float));
    }
    free(bytes);
    return values;
}

/* A parity case's case.json: model name, batch, height, width. */
typedef struct td_case {
    char model[64];
    int batch;
    int height;
    int width;
} td_case;

static int td_json_int(const char* json, const char* key, int* value) {
    const char* at = strstr(json, key);
    return at && sscanf(at + strlen(key), " : %d", value) == 1;
}

static int td_load_case(const char* dir, td_case* c) {
    char path[4096];
    snprintf(path, sizeof path, "%s/case.json", dir);
    size_t size = 0;
    char* json = td_read_file(path, &size);
    if (!json) {
        return 0;
    }
    const char* model = strstr(json, "\"model\"");
    int ok = model && sscanf(model, "\"model\" : \"%63[^\"]\"", c->model) == 1 &&
             td_json_int(json, "\"batch\"", &c->batch) && td_json_int(json, "\"height\"", &c->height) &&
             td_json_int(json, "\"width\"", &c->width);
    if (!ok) {
        fprintf(stderr, "testdata: %s lacks model, batch, height or width\n", path);
    }
    free(json);
    return ok;
}

#endif /* REXNET_TESTDATA_H */
