import CEpoll
import CMosquitto
import Glibc

/// Readiness of many sockets at once (Linux epoll, level-triggered), plus a wake-up that another
/// thread can ring (an eventfd). One thread waits; any thread may `wake`. Sockets are named by a
/// token the caller chooses; token 0 is the wake-up.
///
/// `@unchecked Sendable`: the descriptors never change after `init`, and the kernel serialises what
/// is done through them; `buffer` is touched by `wait` alone, on the one thread that waits.
final class Poller: @unchecked Sendable {
    struct Event {
        let token: UInt64
        let readable: Bool
        let writable: Bool
    }

    private let epoll: Int32
    private let wakeFD: Int32
    private var buffer: [epoll_event]

    init(capacity: Int = 1024) throws(MosquittoError) {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        buffer = Array(repeating: epoll_event(), count: capacity)
        guard epoll >= 0, wakeFD >= 0 else {
            throw MosquittoError(code: Int32(MOSQ_ERR_ERRNO.rawValue), operation: "create the event loop (\(String(cString: strerror(errno))))")
        }
        var e = epoll_event()
        e.events = EPOLLIN.rawValue
        e.data.u64 = 0
        _ = epoll_ctl(epoll, EPOLL_CTL_ADD, wakeFD, &e)
    }

    deinit {
        close(wakeFD)
        close(epoll)
    }

    /// Watches `fd` for reading, and for writing when `write` is set.
    func add(_ fd: Int32, token: UInt64, write: Bool) { control(EPOLL_CTL_ADD, fd, token: token, write: write) }

    func modify(_ fd: Int32, token: UInt64, write: Bool) { control(EPOLL_CTL_MOD, fd, token: token, write: write) }

    /// Stops watching `fd`; harmless when it is already closed (closing removes it).
    func remove(_ fd: Int32) {
        var e = epoll_event()
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &e)
    }

    private func control(_ op: Int32, _ fd: Int32, token: UInt64, write: Bool) {
        var e = epoll_event()
        e.events = EPOLLIN.rawValue | (write ? EPOLLOUT.rawValue : 0)
        e.data.u64 = token
        _ = epoll_ctl(epoll, op, fd, &e)
    }

    /// Rings the wake-up: a `wait` in progress returns at once.
    func wake() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    /// Waits up to `milliseconds` for readiness and returns it; the wake-up is reported as token 0
    /// and reset. Errors and hang-ups count as readable, so that the reader finds them.
    func wait(milliseconds: Int32) -> [Event] {
        let n = buffer.withUnsafeMutableBufferPointer { epoll_wait(epoll, $0.baseAddress, Int32($0.count), milliseconds) }
        guard n > 0 else { return [] }
        var events: [Event] = []
        events.reserveCapacity(Int(n))
        for k in 0..<Int(n) {
            let e = buffer[k]
            let token = e.data.u64
            if token == 0 {
                var value: UInt64 = 0
                _ = read(wakeFD, &value, 8)
            }
            let bad = EPOLLERR.rawValue | EPOLLHUP.rawValue
            events.append(Event(token: token, readable: e.events & (EPOLLIN.rawValue | bad) != 0, writable: e.events & EPOLLOUT.rawValue != 0))
        }
        return events
    }
}
