import Hummingbird
import LeadEngine
import NIOCore

/// The streamed body of an export: the rows `ExportRecords` makes, batch by batch.
enum CSVExport {
    /// The header line, then each batch of records as `rows` hands it on, one write per batch: the
    /// next batch is read only once this one is written, so memory stays flat and a slow client
    /// slows the reading.
    static func body(
        header: [String], rows: @escaping @Sendable (_ write: ([String]) async throws -> Void) async throws -> Void
    ) -> ResponseBody {
        ResponseBody { writer in
            try await writer.write(ByteBuffer(string: header.joined(separator: ",") + "\r\n"))
            try await rows { records in
                var buffer = ByteBuffer()
                buffer.reserveCapacity(records.reduce(0) { $0 + $1.utf8.count })
                for record in records { buffer.writeString(record) }
                try await writer.write(buffer)
            }
            try await writer.finish(nil)
        }
    }
}
