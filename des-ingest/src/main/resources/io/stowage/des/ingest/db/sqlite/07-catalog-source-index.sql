-- The packer takes a row's DES name from the marker catalogue, matched on the source key: index it.
CREATE INDEX IF NOT EXISTS ix_des_source_catalog_source_key ON des_source_catalog (source_key);
