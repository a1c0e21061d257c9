"""Mocks of both sides of a service's contracts: its REST API (`rest`, answering from `examples`,
`schemadata` and the `store`) and its events on Kafka (`events` frames, `avrodata` fills,
`kafka` delivers). The commands are in `cli`."""
