import ArgumentParser
import Datasets
import Foundation

extension Bench {
    /// Decode + augment throughput of the prefetching loader beside a plain single-thread loop over the same files.
    struct Loader: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "loader",
            abstract: "Images per second of decode + augment: prefetching loader vs a single-thread loop.")
        @Option(help: "Folder of PNG/JPEG images (searched recursively), e.g. a fovea fixtures shapes output.") var data: String
        @Option(help: "Images per assembled batch.") var batch = 32
        @Option(help: "Output height and width of the random resized crop.") var size = 64
        @Option(help: "Loader threads.") var workers = 2
        @OptionGroup var timing: Repeats

        func validate() throws {
            guard batch > 0, size > 0, workers > 0 else { throw ValidationError("--batch, --size and --workers must be positive") }
        }

        func run() throws {
            let paths = try imagePaths()
            let pipeline = LoaderBenchmark.trainingPipeline(size: size)
            // Interleaved, so both modes see the same machine load; the median of each is printed.
            var single: [Double] = [], prefetching: [Double] = []
            for round in 0..<(timing.warmup + timing.repeats) {
                let a = LoaderBenchmark.run(paths: paths, workers: 0, batch: batch, pipeline: pipeline)
                let b = LoaderBenchmark.run(paths: paths, workers: workers, batch: batch, pipeline: pipeline)
                guard a.failures == 0, b.failures == 0 else {
                    throw InputError("\(data): \(max(a.failures, b.failures)) image(s) could not be decoded; run fovea lint")
                }
                if round >= timing.warmup {
                    single.append(a.imagesPerSecond)
                    prefetching.append(b.imagesPerSecond)
                }
            }
            let (one, many) = (median(single), median(prefetching))
            print("loader \(paths.count) images b\(batch) \(size)x\(size) single_thread_images_per_second=\(fmt(one)) "
                  + "prefetching_w\(workers)_images_per_second=\(fmt(many)) speedup=\(String(format: "%.2f", many / one))")
        }

        private func imagePaths() throws -> [String] {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: data, isDirectory: &isFolder), isFolder.boolValue else {
                throw InputError("\(data): no such folder")
            }
            let suffixes = [".png", ".jpg", ".jpeg"]
            let paths = (FileManager.default.subpaths(atPath: data) ?? [])
                .filter { path in suffixes.contains { path.lowercased().hasSuffix($0) } }
                .sorted().map { (data as NSString).appendingPathComponent($0) }
            guard !paths.isEmpty else { throw InputError("\(data): no PNG or JPEG images") }
            return paths
        }

        private func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
    }
}
