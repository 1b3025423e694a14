// The connection's client factory lives with the connections (activity log, credentials); the sync
// flows import it from here so they keep one name for it.
export { ConnectionUnavailableError, miraklClientFor } from "~/connections/mirakl-client.server";
