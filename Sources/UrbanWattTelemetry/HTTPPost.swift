import Dispatch
import Foundation
import Synchronization
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP POST, waited for: the InfluxDB writer and the FIWARE provisioning both send a body and
/// need its status before the next. URLSession on Linux never gives up on a server that accepts
/// the connection and never answers, so the wait has its own limit.
enum HTTPPost {
    /// The status (0 when no answer came) and the first 300 bytes of the answer or the error.
    static func send(_ url: URL, body: Data, headers: [String: String], timeout: Double) -> (status: Int, text: String) {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<(Int, String)>((0, ""))
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let text = error.map { $0.localizedDescription } ?? data.map { String(decoding: $0.prefix(300), as: UTF8.self) } ?? ""
            result.withLock { $0 = (status, text) }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            task.cancel()
            return (0, "no answer within \(Int(timeout.rounded(.up))) s")
        }
        return result.withLock { $0 }
    }
}
