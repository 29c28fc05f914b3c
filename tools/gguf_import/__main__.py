"""Command line: python tools/gguf_import FILE.gguf [--name NAME] [--models-dir DIR] [--accuracy-level 0|4]
Exit status 0 on success, 2 for input the tool rejects (one line on stderr), 1 for anything else."""
import argparse
import os
import signal
import sys

if not __package__:  # run as `python tools/gguf_import`: make the package importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "gguf_import"

from gguf_import.convert import default_name, write_folder  # noqa: E402
from gguf_import.gguf_model import ImportFailure  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(prog="gguf_import", description="Import a GGUF model as an onnxruntime-genai folder")
    ap.add_argument("gguf")
    ap.add_argument("--name", help="folder name under the models dir (default: from the file name)")
    ap.add_argument("--models-dir", default="models")
    ap.add_argument("--output", help="exact output folder (overrides --models-dir/--name)")
    ap.add_argument("--accuracy-level", type=int, default=4, choices=[0, 1, 2, 3, 4],
                    help="MatMulNBits accuracy_level: 0 float activations, 4 int8 activations (default)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    name = args.name or default_name(args.gguf)
    if "/" in name or name.startswith("."):
        print(f"error: invalid model name '{name}'", file=sys.stderr)
        return 2
    out = args.output or os.path.join(args.models_dir, name)
    # SIGTERM unwinds like an exception so the temporary output folder is removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    progress = (lambda m: None) if args.quiet else (lambda m: print(m, flush=True))
    try:
        write_folder(args.gguf, out, args.accuracy_level, progress)
    except ImportFailure as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
