// Package rundir is the run directory on disk: the metrics as typed records,
// the weight and factor snapshots in safetensors, atomic writes, and reading
// all of them back, in Go or in Python. (run.json holds the trainer's
// settings: its type and reader, train.Info and train.ReadInfo, live with
// its writer in package train, as do factor snapshots' layer descriptions,
// train.ReadFactors.)
//
// # Layout
//
// A training run writes one directory:
//
//	run.json                        every setting of the run, the seed, the
//	                                toolkit and Go versions, and a fingerprint
//	                                of the dataset; written first, so its
//	                                presence marks a run directory
//	metrics.jsonl                   one JSON object per line, appended as the
//	                                run goes (see below)
//	weights/step-NNNNNN.safetensors the model parameters after step NNNNNN
//	factors/step-NNNNNN.safetensors the curvature factors captured at step
//	                                NNNNNN
//	final.safetensors               the model parameters at the end of training
//	checkpoint.safetensors          model and optimizer state, enough for
//	                                a resumed run to carry on exactly
//
// Steps are 1-based and zero-padded to six digits (longer numbers keep all
// their digits). Tensors carry PyTorch's parameter names and row-major shapes.
//
// Every file except metrics.jsonl is replaced atomically (WriteFileAtomic):
// written to a temporary ".<name>.tmp-*" file beside it, synced and renamed,
// so a reader never sees a partial file. metrics.jsonl is appended one whole
// line per write; a crash can leave only its last line incomplete, and
// ReadMetrics ignores that line.
//
// # Metrics
//
// Each line of metrics.jsonl is an object with a "kind":
//
//	{"kind":"step","step":12,"epoch":1,"loss":0.83,"lr":0.1,"time_s":1.9}
//	{"kind":"epoch","epoch":1,"train_loss":0.71,"test_loss":0.74,"test_accuracy":0.81}
//
// Each kind has a typed record with one writer (the trainer) and one reader
// (ReadRecords, Dir.Metrics): StepRecord, EpochRecord, EvalRecord,
// FinalRecord and CurvatureRecord. Step records have step (1-based), epoch,
// loss, lr and time_s (seconds of training since the run started). Epoch
// records have epoch and train_loss, plus test_loss and test_accuracy where
// the dataset has a test split. Other kinds may be added; readers skip kinds
// they do not know, and fields they do not know.
//
// # Tensors
//
// The toolkit has three tensor types, one per job. Tensor here is a tensor
// as a file holds it: a name, a dtype and the raw little-endian bytes, for
// reading and writing safetensors exactly (F16, BF16, integer dtypes
// included) without computing on it; Float64s and Float32s convert. The
// compute tensor is nn.Tensor[T], a shape and a []T of float32 or float64
// that layers and optimizers work on (train converts between the two). A
// trajectory.Tensor is one named parameter of a weight snapshot as float64
// values with its shape, the unit of filter-normalised directions.
//
// # Safetensors
//
// Snapshots use the safetensors format of Hugging Face: an 8-byte
// little-endian header length, a JSON header naming each tensor's dtype, shape
// and byte range, and the little-endian tensor bytes. Write lays files out as
// the reference writer does (compact header, spaces up to a multiple of 8
// bytes) but keeps the caller's tensor order; see SortForAlignment for files
// that mix dtype sizes. Read validates files strictly. From Python:
//
//	from safetensors.torch import load_file
//	weights = load_file("out/weights/step-000100.safetensors")
//
//	import json, pandas as pd
//	config = json.load(open("out/run.json"))
//	metrics = pd.read_json("out/metrics.jsonl", lines=True)
package rundir
