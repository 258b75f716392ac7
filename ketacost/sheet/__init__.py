"""The price sheet: schema, discovery, loading with positioned errors."""
