import Hummingbird
import LeadEngine
import NIOCore

/// The streamed body of an export: the rows `ExportRecords` makes, batch by batch.
enum CSVExport {
    /// The header line, then each batch of records as `rows` hands it on, one write per batch: the
    /// next batch is read only once this one is written, so memory stays flat and a slow client
    /// slows the reading.
    static func body(
        header: [String], rows: @escaping @Sendable (_ write: ([CSVRecord]) async throws -> Void) async throws -> Void
    ) -> ResponseBody {
        ResponseBody { writer in
            try await writer.write(ByteBuffer(string: header.joined(separator: ",") + "\r\n"))
            var bytes: [UInt8] = []
            try await rows { records in
                bytes.removeAll(keepingCapacity: true)
                for record in records { record.write(to: &bytes) }
                try await writer.write(ByteBuffer(bytes: bytes))
            }
            try await writer.finish(nil)
        }
    }
}
