#ifndef FOVEA_CPNG_SHIM_H
#define FOVEA_CPNG_SHIM_H
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libpng reports errors by longjmp. Jumping across Swift frames is undefined, so every libpng call that can fail
   runs inside one of the small C functions below, each of which owns the setjmp it can return to; the error
   handler records the message and jumps back there, and Swift only ever sees a return code. Reading is from
   memory through a C callback, so no Swift frame is ever on the stack between setjmp and longjmp. */

typedef struct fovea_png_decoder {
    png_structp png;
    png_infop info;
    const unsigned char *data;
    size_t size;
    size_t offset;
    char message[256];
} fovea_png_decoder;

static inline void fovea_png_on_error(png_structp png, png_const_charp message) {
    fovea_png_decoder *decoder = (fovea_png_decoder *)png_get_error_ptr(png);
    snprintf(decoder->message, sizeof decoder->message, "%s", message);
    png_longjmp(png, 1);
}

/* Warnings are about recoverable ancillary-chunk problems (bad CRC of a text chunk, say); the pixels are intact. */
static inline void fovea_png_on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static inline void fovea_png_read_memory(png_structp png, png_bytep out, size_t length) {
    fovea_png_decoder *decoder = (fovea_png_decoder *)png_get_io_ptr(png);
    if (length > decoder->size - decoder->offset) png_error(png, "file is truncated");
    memcpy(out, decoder->data + decoder->offset, length);
    decoder->offset += length;
}

/* Creates the reader over `decoder->data` and reads every chunk up to the first IDAT. 0 on success. */
static inline int fovea_png_read_header(fovea_png_decoder *decoder) {
    decoder->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, decoder, fovea_png_on_error, fovea_png_on_warning);
    if (decoder->png == NULL) { snprintf(decoder->message, sizeof decoder->message, "out of memory"); return 1; }
    decoder->info = png_create_info_struct(decoder->png);
    if (decoder->info == NULL) { snprintf(decoder->message, sizeof decoder->message, "out of memory"); return 1; }
    if (setjmp(png_jmpbuf(decoder->png))) return 1;
    png_set_read_fn(decoder->png, decoder, fovea_png_read_memory);
    png_read_info(decoder->png, decoder->info);
    return 0;
}

/* Asks libpng for samples of 8 or 16 bits that keep the file's precision: low-depth gray is scaled to 8 bits,
   palettes become RGB, and a tRNS chunk becomes an alpha channel. Gamma and background are left alone.
   With `as_indices` (class-index masks), palette indices and low-depth gray values are kept as they are, one
   byte each, unscaled and without alpha. */
static inline int fovea_png_configure(fovea_png_decoder *decoder, int as_indices) {
    if (setjmp(png_jmpbuf(decoder->png))) return 1;
    png_structp png = decoder->png;
    png_infop info = decoder->info;
    int colorType = png_get_color_type(png, info);
    int lowDepth = png_get_bit_depth(png, info) < 8;
    int indexed = colorType == PNG_COLOR_TYPE_PALETTE || (colorType == PNG_COLOR_TYPE_GRAY && lowDepth);
    if (as_indices && indexed) {
        png_set_packing(png);
    } else {
        if (colorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
        if (colorType == PNG_COLOR_TYPE_GRAY && lowDepth) png_set_expand_gray_1_2_4_to_8(png);
        if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    return 0;
}

/* Decodes every pass into `rows` (one pointer per row, png_get_rowbytes bytes each) and checks the trailing chunks. */
static inline int fovea_png_read_image(fovea_png_decoder *decoder, png_bytepp rows) {
    if (setjmp(png_jmpbuf(decoder->png))) return 1;
    png_read_image(decoder->png, rows);
    png_read_end(decoder->png, NULL);
    return 0;
}

static inline void fovea_png_destroy(fovea_png_decoder *decoder) {
    if (decoder->png != NULL) png_destroy_read_struct(&decoder->png, decoder->info != NULL ? &decoder->info : NULL, NULL);
}
/* Writing, under the same rule: one setjmp per call, output into a growing malloc'd buffer. The full API (not the
   simplified one) so that 16-bit samples are written as given, without the simplified API's linear-light and
   premultiplied-alpha conversions. */
typedef struct fovea_png_encoder {
    png_structp png;
    png_infop info;
    unsigned char *data;
    size_t size;
    size_t capacity;
    char message[256];
} fovea_png_encoder;

static inline void fovea_png_encoder_on_error(png_structp png, png_const_charp message) {
    fovea_png_encoder *encoder = (fovea_png_encoder *)png_get_error_ptr(png);
    snprintf(encoder->message, sizeof encoder->message, "%s", message);
    png_longjmp(png, 1);
}

static inline void fovea_png_write_memory(png_structp png, png_bytep bytes, size_t length) {
    fovea_png_encoder *encoder = (fovea_png_encoder *)png_get_io_ptr(png);
    if (length > encoder->capacity - encoder->size) {
        size_t capacity = encoder->capacity > 0 ? encoder->capacity : 4096;
        while (capacity - encoder->size < length) capacity *= 2;
        unsigned char *grown = (unsigned char *)realloc(encoder->data, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        encoder->data = grown;
        encoder->capacity = capacity;
    }
    memcpy(encoder->data + encoder->size, bytes, length);
    encoder->size += length;
}

static inline void fovea_png_flush_memory(png_structp png) { (void)png; }

/* Encodes `rows` (samples as PNG stores them: 8-bit, or 16-bit big-endian) with 1-4 channels (gray, gray+alpha,
   RGB, RGBA), not interlaced, into `encoder->data`. 0 on success. */
static inline int fovea_png_write(fovea_png_encoder *encoder, png_uint_32 width, png_uint_32 height, int bit_depth,
                                  int channels, png_bytepp rows) {
    static const int color_types[] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                      PNG_COLOR_TYPE_RGB_ALPHA};
    if (channels < 1 || channels > 4) { snprintf(encoder->message, sizeof encoder->message, "bad channel count"); return 1; }
    encoder->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, encoder, fovea_png_encoder_on_error, fovea_png_on_warning);
    if (encoder->png == NULL) { snprintf(encoder->message, sizeof encoder->message, "out of memory"); return 1; }
    encoder->info = png_create_info_struct(encoder->png);
    if (encoder->info == NULL) { snprintf(encoder->message, sizeof encoder->message, "out of memory"); return 1; }
    if (setjmp(png_jmpbuf(encoder->png))) return 1;
    png_set_write_fn(encoder->png, encoder, fovea_png_write_memory, fovea_png_flush_memory);
    png_set_IHDR(encoder->png, encoder->info, width, height, bit_depth, color_types[channels - 1], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(encoder->png, encoder->info);
    png_write_image(encoder->png, rows);
    png_write_end(encoder->png, NULL);
    return 0;
}

static inline void fovea_png_encoder_destroy(fovea_png_encoder *encoder) {
    if (encoder->png != NULL) png_destroy_write_struct(&encoder->png, encoder->info != NULL ? &encoder->info : NULL);
    free(encoder->data);
}
#endif
