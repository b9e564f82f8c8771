package cluster

// WithStoreOnConnectionThreads sets KahaDB's
// concurrentStoreAndDispatchQueues to false on the shared-kahadb profile;
// Run refuses it on any other profile.
//
// With ActiveMQ's default (true), every persistent queue send is handed to
// one store thread (KahaDBStore's queueExecutor, whose size is the system
// property org.apache.activemq.store.kahadb.ASYNC_EXECUTOR_MAX_THREADS,
// default 1), which writes and fsyncs one message at a time. However many
// connections send, the broker then takes one message per journal sync,
// and a benchmark of the client measures that sync instead. With false,
// each connection's transport thread writes its own message, and the
// journal batches the writes that wait together into one sync. The
// scenarios keep ActiveMQ's default; the throughput benchmark measures
// both.
func WithStoreOnConnectionThreads() Option {
	return func(o *options) { o.storeOnConnection = true }
}
