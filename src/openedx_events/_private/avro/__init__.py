"""The Avro wire format: schema generation, fast codecs, diagnostics and schema evolution."""
