"""The HTTP API: endpoints declared with their types, so decoding, encoding and OpenAPI share one source."""
