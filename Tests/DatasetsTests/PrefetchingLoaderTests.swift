import Datasets
import Foundation
import Testing

@Suite struct PrefetchingLoaderTests {
    struct Odd: Error, Equatable { let index: Int }

    @Test func deliversEveryResultInOrderWithErrorsInPlace() {
        let loader = PrefetchingLoader(count: 50, workers: 3, prefetch: 4) { index -> Int in
            if index % 7 == 3 { throw Odd(index: index) }
            usleep(UInt32((index * 37) % 5) * 500)  // uneven work, so workers finish out of order
            return index * index
        }
        var seen: [String] = []
        while let result = loader.next() {
            switch result {
            case .success(let value): seen.append("\(value)")
            case .failure(let error): seen.append("error \((error as? Odd)?.index ?? -1)")
            }
        }
        #expect(seen == (0..<50).map { $0 % 7 == 3 ? "error \($0)" : "\($0 * $0)" })
        #expect(loader.next() == nil)
    }

    /// Four workers sleeping 20 ms per item finish 20 items well before one worker could (400 ms).
    @Test func workersOverlap() {
        let start = Date()
        let loader = PrefetchingLoader(count: 20, workers: 4, prefetch: 8) { index -> Int in
            usleep(20_000)
            return index
        }
        var count = 0
        while loader.next() != nil { count += 1 }
        #expect(count == 20)
        #expect(Date().timeIntervalSince(start) < 0.3)
    }

    @Test func stopsWithoutDeliveringTheRest() throws {
        let loader = PrefetchingLoader(count: 1000, workers: 2, prefetch: 2) { $0 }
        #expect(try loader.next()?.get() == 0)
        loader.stop()
        #expect(loader.next() == nil)
    }

    @Test func benchmarkDecodesAndAugmentsEveryImageWithAndWithoutThreads() {
        let paths = (0..<10).map { Goldens.path(String(format: "fixtures/shapes/detection/images/%04d.png", $0)) }
        for workers in [0, 2] {
            let result = LoaderBenchmark.run(paths: paths + ["/no/such.png"], workers: workers, batch: 4,
                                             pipeline: LoaderBenchmark.trainingPipeline(size: 32))
            #expect(result.images == 10 && result.failures == 1, "workers \(workers)")
            #expect(result.seconds > 0 && result.imagesPerSecond > 0)
        }
    }
}
