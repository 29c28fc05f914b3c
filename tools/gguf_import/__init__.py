"""GGUF (llama, qwen2) -> onnxruntime-genai model folder. Run as `python tools/gguf_import FILE.gguf ...`."""
from .convert import default_name, genai_config, write_folder
from .gguf_model import GGUFModel, ImportFailure, ModelConfig

__all__ = ["GGUFModel", "ImportFailure", "ModelConfig", "default_name", "genai_config", "write_folder"]
