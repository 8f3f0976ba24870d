import Datasets
import Evaluation
import Foundation
import NN
import Tensors

/// The input readers that see bytes from outside: each case feeds one input through the same public entry point
/// the CLI uses. The libFuzzer harnesses (Sources/Fuzzing/Fuzz*) and Tests/ReliabilityTests both call `run`, so
/// the short run in the test suite and the long fuzzing run exercise the same code.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case png, jpeg, cocoGroundTruth, cocoResults, cocoInstances, safetensors, npy

    /// The folder under fixtures/fuzz holding this target's seeds and regressions (also the harness name).
    public var harness: String {
        switch self {
        case .png: "FuzzPNG"
        case .jpeg: "FuzzJPEG"
        case .cocoGroundTruth: "FuzzCocoGroundTruth"
        case .cocoResults: "FuzzCocoResults"
        case .cocoInstances: "FuzzCOCOInstances"
        case .safetensors: "FuzzSafetensors"
        case .npy: "FuzzNPY"
        }
    }

    /// The extension the input gets when it must be a file (the image decoders also fall back on it).
    var fileExtension: String {
        switch self {
        case .png: "png"
        case .jpeg: "jpg"
        case .cocoGroundTruth, .cocoResults, .cocoInstances: "json"
        case .safetensors: "safetensors"
        case .npy: "npy"
        }
    }

    /// What became of one input: accepted, or refused with the reader's one-line message.
    public enum Outcome: Sendable, Equatable {
        case accepted
        case refused(String)
    }

    /// Decoded images may be at most this large here, so each input costs milliseconds; the check itself is
    /// the one `ImageLimits.default` goes through.
    static let imageLimits = ImageLimits(maxPixels: 1 << 22)

    /// Feeds `bytes` to the reader. Never throws: a refusal is an outcome. A crash (trap, sanitizer report,
    /// hang) is the finding the fuzzer and the tests look for; broken invariants trap on purpose.
    public func run(_ bytes: Data) -> Outcome {
        let input = InputFile(bytes: bytes, extension: fileExtension)
        defer { input.remove() }
        do {
            switch self {
            case .png, .jpeg: try decodeImage(bytes, name: input.path)
            case .cocoGroundTruth: try readGroundTruth(bytes, name: input.path)
            case .cocoResults: try readResults(input)
            case .cocoInstances: try readInstances(input)
            case .safetensors: try readSafetensors(input)
            case .npy: try readNPY(input)
            }
            return .accepted
        } catch {
            return .refused("\(error)")
        }
    }

    private func decodeImage(_ bytes: Data, name: String) throws {
        let image = try ImageCodecs.decode(bytes, file: name, limits: Self.imageLimits)
        precondition(image.width > 0 && image.height > 0, "decoded an image without pixels")
        // The class-index path of the PNG decoder (segmentation masks) shares the parser but not the layout.
        if self == .png, image.layout == .gray || image.bitDepth == 8 {
            _ = try? SegmentationMask.decode(bytes, file: name, limits: Self.imageLimits)
        }
    }

    private func readGroundTruth(_ bytes: Data, name: String) throws {
        let groundTruth = try CocoFiles.parseGroundTruth([UInt8](bytes), name: name)
        for annotation in groundTruth.annotations {
            if case .compressedRLE(_, _, let counts) = annotation.segmentation { _ = RunLengthString.decode(counts) }
        }
        try CocoFiles.checkSegmentation(groundTruth, file: name)
    }

    /// Parses the results file twice, in memory and from the file with the two-thread split forced on,
    /// and requires both to agree: the split is a guess about where an element starts.
    private func readResults(_ input: InputFile) throws {
        let sequential = Result { try CocoFiles.parseDetections([UInt8](input.bytes), name: input.path,
                                                                 groundTruth: Self.resultsGroundTruth, iouType: .bbox) }
        let split = Result { () throws -> [Evaluation.Detection] in
            let detections = try CocoFiles.loadUncheckedDetections(path: input.path, iouType: .bbox, parallelFrom: 0)
            try CocoFiles.check(detections, file: input.path, against: Self.resultsGroundTruth)
            return detections
        }
        switch (sequential, split) {
        case (.success(let a), .success(let b)):
            let same = a.count == b.count && zip(a, b).allSatisfy { (x: Evaluation.Detection, y: Evaluation.Detection) -> Bool in
                // Compared as text so NaN equals NaN.
                x.imageId == y.imageId && "\(x.score) \(String(describing: x.box))" == "\(y.score) \(String(describing: y.box))"
            }
            precondition(same, "the two-thread parse found \(b.count) detections, the sequential one \(a.count)")
        case (.failure, .failure): break
        case (.success, .failure(let error)): preconditionFailure("only the two-thread parse refused the file: \(error)")
        case (.failure(let error), .success): preconditionFailure("only the sequential parse refused the file: \(error)")
        }
        _ = try sequential.get()
    }

    /// Images 1…3 and categories 1…3, the ids the results seeds use.
    static let resultsGroundTruth = CocoGroundTruth(
        images: (1...3).map { ImageInfo(id: $0, width: 64, height: 48) },
        categories: (1...3).map { Category(id: $0, name: "class\($0)") }, annotations: [])

    private func readInstances(_ input: InputFile) throws {
        let dataset = try COCODetectionDataset(annotationFile: input.path, imageRoot: "/nonexistent")
        for annotation in dataset.instances.annotations {
            if let mask = annotation.segmentation?.runLengthMask() {
                precondition(mask.pixels.count == mask.width * mask.height, "a run-length mask does not fill its image")
            }
        }
    }

    private func readSafetensors(_ input: InputFile) throws {
        let (tensors, _) = try Safetensors.read(URL(fileURLWithPath: input.path))
        for (name, entry) in tensors {
            precondition(entry.tensor.count == entry.tensor.shape.reduce(1, *), "tensor \(name) does not fill its shape")
            _ = UnsafeBufferPointer(start: entry.tensor.data, count: entry.tensor.count).reduce(0, +)  // a too-short mapping faults here
        }
    }

    private func readNPY(_ input: InputFile) throws {
        let tensor = try NPY.read(URL(fileURLWithPath: input.path))
        precondition(tensor.count == tensor.shape.reduce(1, *), "the array does not fill its shape")
    }
}
