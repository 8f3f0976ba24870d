import CJPEG
import CPNG
import Foundation

/// Reading and writing image files. The format is recognised from the content, not the extension.
public enum ImageCodecs {
    public enum Format: String, Sendable { case png, jpeg }

    /// The libpng the process runs with (read at run time, e.g. "1.6.39").
    public static var libpngVersion: String { String(cString: png_get_libpng_ver(nil)) }

    /// The libjpeg-turbo Fovea was built against (its headers; the library exposes no run-time version),
    /// e.g. "libjpeg-turbo 2.1.5 (libjpeg API 6.2)".
    public static var libjpegVersion: String {
        let number = Int(LIBJPEG_TURBO_VERSION_NUMBER)
        return "libjpeg-turbo \(number / 1_000_000).\(number / 1000 % 1000).\(number % 1000)"
            + " (libjpeg API \(JPEG_LIB_VERSION / 10).\(JPEG_LIB_VERSION % 10))"
    }

    /// Reads and decodes the image at `path`; any failure throws an `ImageCodecError` naming `path`.
    public static func read(path: String, limits: ImageLimits = .default) throws(ImageCodecError) -> Image {
        try decode(try contents(of: path), file: path, limits: limits)
    }

    /// The file's bytes, or its first `limit` bytes.
    static func contents(of path: String, upTo limit: Int? = nil) throws(ImageCodecError) -> Data {
        do {
            guard let limit else { return try Data(contentsOf: URL(fileURLWithPath: path)) }
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            return try handle.read(upToCount: limit) ?? Data()
        } catch {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ImageCodecError(file: path, problem: exists ? "cannot read the file" : "no such file")
        }
    }

    /// Decodes PNG or JPEG bytes; `file` names the source in error messages.
    public static func decode(_ data: Data, file: String, limits: ImageLimits = .default) throws(ImageCodecError) -> Image {
        let format = try format(of: data, file: file)
        // Data.withUnsafeBytes is untyped-rethrows, so the typed error travels out in a Result.
        let decoded = data.withUnsafeBytes { bytes in
            Result { () throws(ImageCodecError) -> Image in
                switch format {
                case .png: return try PNGDecoder.decode(bytes, file: file, limits: limits)
                case .jpeg: return try JPEGDecoder.decode(bytes, file: file, limits: limits)
                }
            }
        }
        return try decoded.get()
    }

    /// Width and height of the image at `path` from its header alone (nothing decoded): checking a whole
    /// dataset's sizes before training costs a short read per file, not a decode.
    public static func size(path: String) throws(ImageCodecError) -> (width: Int, height: Int) {
        // The header is in the first bytes (a JPEG's frame header follows its EXIF block, rarely past 64 KiB): read
        // those, and the whole file only when they do not hold it (then its error is the one reported).
        if let size = try? size(of: contents(of: path, upTo: 1 << 16), file: path) { return size }
        return try size(of: contents(of: path), file: path)
    }

    private static func size(of data: Data, file path: String) throws(ImageCodecError) -> (width: Int, height: Int) {
        let format = try format(of: data, file: path)
        let size = data.withUnsafeBytes { bytes in
            Result { () throws(ImageCodecError) -> (width: Int, height: Int) in
                switch format {
                case .png: return try PNGDecoder.size(bytes, file: path)
                case .jpeg: return try JPEGDecoder.size(bytes, file: path)
                }
            }
        }
        return try size.get()
    }

    /// PNG bytes for an image of 8 or 16 bits per sample, samples written exactly.
    public static func encodePNG(_ image: Image, file: String = "<memory>") throws(ImageCodecError) -> Data {
        Data(try PNGEncoder.encode(image, file: file))
    }

    /// Writes an image of 8 or 16 bits per sample as PNG, atomically (a reader never sees half a file).
    public static func writePNG(_ image: Image, to path: String) throws(ImageCodecError) {
        let encoded = try encodePNG(image, file: path)
        do {
            try encoded.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ImageCodecError(file: path, problem: "cannot write the file")
        }
    }

    /// Recognises PNG and JPEG by their signatures. A file named .png with a damaged signature still goes to
    /// libpng, whose message ("PNG file corrupted by ASCII conversion", …) says more than "unknown format".
    static func format(of data: Data, file: String) throws(ImageCodecError) -> Format {
        if data.starts(with: PNGDecoder.signature) { return .png }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        let suffix = file.split(separator: ".").last.map { $0.lowercased() }
        if suffix == "png" { return .png }
        if suffix == "jpg" || suffix == "jpeg" { return .jpeg }
        throw ImageCodecError(file: file, problem: data.isEmpty ? "empty file" : "neither a PNG nor a JPEG file")
    }
}
