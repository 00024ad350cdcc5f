/* The README's example: classify one image file with a ReXNet. Usage: classify WEIGHTS IMAGE */
#include <stdio.h>
#include "rexnet.h"

int main(int argc, char** argv) {
    rexnet_engine* engine = NULL;
    rexnet_prediction top[5];
    if (argc != 3 || rexnet_engine_create(NULL, argv[1], "auto", 1, 224, 224, &engine) != REXNET_OK ||
        rexnet_engine_classify_file(engine, argv[2], 5, top) != REXNET_OK) {
        fprintf(stderr, "classify: %s\n", argc != 3 ? "usage: classify WEIGHTS IMAGE" : rexnet_last_error());
        rexnet_engine_destroy(engine);
        return 1;
    }
    for (int i = 0; i < 5; i++) printf("%6.2f%%  %s\n", 100 * top[i].probability, top[i].label);
    rexnet_engine_destroy(engine);
    return 0;
}
