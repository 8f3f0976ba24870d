#ifndef FOVEA_CJPEG_SHIM_H
#define FOVEA_CJPEG_SHIM_H
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <jpeglib.h>
#include <jerror.h>

/* libjpeg's default error handler calls exit(). As with libpng, every libjpeg call that can fail runs in a small
   C function owning the setjmp the handler jumps back to; Swift only sees return codes and the message. */

typedef struct fovea_jpeg_decoder {
    struct jpeg_decompress_struct cinfo; /* first, so the handlers can cast the j_common_ptr back */
    struct jpeg_error_mgr errors;
    jmp_buf jump;
    int created;
    char message[JMSG_LENGTH_MAX];
} fovea_jpeg_decoder;

static inline void fovea_jpeg_on_error(j_common_ptr cinfo) {
    fovea_jpeg_decoder *decoder = (fovea_jpeg_decoder *)cinfo;
    (*cinfo->err->format_message)(cinfo, decoder->message);
    longjmp(decoder->jump, 1);
}

/* libjpeg only warns about data it had to invent (a truncated file is padded with gray); those are errors to us.
   Other warnings (an unknown JFIF revision, extraneous bytes before a marker) leave the pixels intact. */
static inline void fovea_jpeg_on_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;
    int code = cinfo->err->msg_code;
    if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || code == JWRN_MUST_RESYNC || code == JWRN_HUFF_BAD_CODE)
        fovea_jpeg_on_error(cinfo);
}

/* Creates the decompressor and reads the header from memory (which must outlive the decoder). 0 on success. */
static inline int fovea_jpeg_read_header(fovea_jpeg_decoder *decoder, const unsigned char *data, unsigned long size) {
    decoder->cinfo.err = jpeg_std_error(&decoder->errors);
    decoder->errors.error_exit = fovea_jpeg_on_error;
    decoder->errors.emit_message = fovea_jpeg_on_message;
    if (setjmp(decoder->jump)) return 1;
    jpeg_create_decompress(&decoder->cinfo);
    decoder->created = 1;
    jpeg_mem_src(&decoder->cinfo, data, size);
    jpeg_read_header(&decoder->cinfo, TRUE);
    return 0;
}

/* Starts decompression to `space` (JCS_GRAYSCALE, JCS_RGB or JCS_CMYK) with the library's default (exact) settings. */
static inline int fovea_jpeg_start(fovea_jpeg_decoder *decoder, J_COLOR_SPACE space) {
    if (setjmp(decoder->jump)) return 1;
    decoder->cinfo.out_color_space = space;
    jpeg_start_decompress(&decoder->cinfo);
    return 0;
}

/* Decodes every scanline into `out` (rows of `stride` bytes) and finishes. */
static inline int fovea_jpeg_read_pixels(fovea_jpeg_decoder *decoder, unsigned char *out, size_t stride) {
    if (setjmp(decoder->jump)) return 1;
    while (decoder->cinfo.output_scanline < decoder->cinfo.output_height) {
        JSAMPROW row = out + (size_t)decoder->cinfo.output_scanline * stride;
        jpeg_read_scanlines(&decoder->cinfo, &row, 1);
    }
    jpeg_finish_decompress(&decoder->cinfo);
    return 0;
}

static inline void fovea_jpeg_destroy(fovea_jpeg_decoder *decoder) {
    if (decoder->created) jpeg_destroy_decompress(&decoder->cinfo);
    decoder->created = 0;
}
#endif
