/**
 * Host-side files: safetensors checkpoints, YAML run configurations, JSON and JSON-lines run records.
 * Everything here deals in plain Java arrays, records and paths; nothing imports the tensor or backend
 * layers, so the formats can be read and tested without an engine.
 */
package rrcm.io;
