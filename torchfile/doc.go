// Package torchfile reads and writes the files PyTorch users have: torch.save
// checkpoints (.pt, .pth) and the pickled analysis dumps of the official
// AdaFisher code, without Python and without running any of the pickle.
//
// A pickle is a program for a stack machine that may call any Python
// function it names. This package interprets the opcodes itself and resolves
// every named global against an allow-list, as PyTorch's weights_only loader
// does: the tensor-rebuild functions, the typed storages and OrderedDict are
// understood; anything else is an error naming the global, except the
// classes a caller explicitly admits as opaque (the analysis dumps key their
// dicts by nn.Module objects, which are recorded by class name and never
// constructed). Every length and count read from a file is checked against
// the bytes that remain, so a small file cannot make the reader allocate
// much more than its size.
//
// The formats read are the zip format of torch.save (PyTorch 1.6 and later:
// NAME/data.pkl, NAME/data/KEY, NAME/version), the older single-stream
// format (_use_new_zipfile_serialization=False), and plain pickles whose
// tensors carry their storages as nested torch.save bytes (what
// pickle.dump of a tensor writes).
//
// LoadStateDict reads a checkpoint's state_dict, unwrapping the common
// {"state_dict": ...}, {"model": ...} and {"net": ...} wrappers and the
// "module." prefix of DataParallel; Match checks it against the names and
// shapes a model expects, as load_state_dict(strict=True) does;
// WriteStateDict writes a state_dict that torch.load(weights_only=True)
// reads. OpenDumps and ReadDumps read the H_bar_resnet/ and S_resnet/
// directories of the official analysis optimizer, pairing each layer's
// factors either as the official notebooks do (by dict index, which pairs
// different layers) or by layer. Contiguous tensors share the bytes of the
// file read rather than being copied.
package torchfile
