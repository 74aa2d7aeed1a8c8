/// The last `capacity` time slots (seconds, minutes) of something counted, each slot tagged with
/// its time so a slot left from an older lap reads as empty instead of being cleared on a timer.
struct TimeRing<Slot: Sendable>: Sendable {
    private struct Entry: Sendable {
        var index = Int64.min
        var slot: Slot
    }

    private var entries: [Entry]
    private let empty: Slot

    init(capacity: Int, empty: Slot) {
        self.entries = Array(repeating: Entry(slot: empty), count: capacity)
        self.empty = empty
    }

    /// Changes the slot of time `index` in place, starting it empty if it holds an older lap.
    mutating func update(_ index: Int64, _ change: (inout Slot) -> Void) {
        let position = Int(index.magnitude % UInt64(self.entries.count))
        if self.entries[position].index > index { return }  // older than the ring remembers
        if self.entries[position].index < index { self.entries[position] = Entry(index: index, slot: self.empty) }
        change(&self.entries[position].slot)
    }

    /// The slot of time `index`, empty when nothing was counted then (or it fell out of the ring).
    func slot(_ index: Int64) -> Slot {
        let entry = self.entries[Int(index.magnitude % UInt64(self.entries.count))]
        return entry.index == index ? entry.slot : self.empty
    }

    /// The slots of times `range`, oldest first.
    func slots(_ range: ClosedRange<Int64>) -> [Slot] {
        range.map(self.slot)
    }
}
