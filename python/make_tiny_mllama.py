#!/usr/bin/env python3
"""Builds a tiny, randomly initialised Llama 3.2 Vision (Mllama) checkpoint in a folder, offline.

Why: the transformers worker (python/worker.py) must be tested end to end without downloading the
11B/90B weights or anything else. This writes everything `from_pretrained` needs for the same code
path the real model takes: config.json with model_type 'mllama' (so the worker picks
MllamaForConditionalGeneration, as the seed system does), safetensors weights, a generation config,
a processor (MllamaProcessor = MllamaImageProcessor + a fast tokenizer) and a chat template.

What it follows:
- The layout of meta-llama/Llama-3.2-11B-Vision-Instruct's config.json (a vision_config and a
  text_config; cross-attention layers interleaved with self-attention layers; an <|image|> token the
  processor uses to build the cross-attention mask). Sizes are shrunk to a few thousand parameters.
- The special tokens of Llama 3.2 Vision (<|begin_of_text|>, <|start_header_id|>, <|eot_id|>,
  <|image|>, ...). The vocabulary is byte-level: 256 byte symbols and no merges, so every text
  round-trips through the tokenizer, one token per byte.
- The shape of the Llama 3.2 Vision chat template (header/eot framing, <|image|> where an image part
  stands, bos first), written here in short: no tool calling, no date block.

Usage: python3 python/make_tiny_mllama.py OUT_DIR [--seed 0]
Needs torch, transformers (4.45+ or 5.x) and tokenizers (installed with transformers); prints the
folder on success.
"""

import argparse
import json
import os
import sys

SPECIAL_TOKENS = [
    "<|begin_of_text|>",
    "<|end_of_text|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eot_id|>",
    "<|image|>",
    "<|python_tag|>",
    "<|finetune_right_pad_id|>",
]

# The Llama 3.2 Vision chat format, shortened: bos, then per message a role header, the content
# (image parts become <|image|>, text parts are trimmed) and <|eot_id|>; the generation prompt opens
# an assistant header.
CHAT_TEMPLATE = (
    "{{- bos_token }}"
    "{%- for message in messages %}"
    "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}"
    "{%- if message['content'] is string %}{{- message['content'] | trim }}"
    "{%- else %}{%- for part in message['content'] %}"
    "{%- if part['type'] == 'image' %}{{- '<|image|>' }}"
    "{%- elif part['type'] == 'text' %}{{- part['text'] | trim }}{%- endif %}"
    "{%- endfor %}{%- endif %}"
    "{{- '<|eot_id|>' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}"
)

TILE_SIZE = 56  # pixels per tile side (the real model: 560)
PATCH_SIZE = 14  # as the real model
MAX_TILES = 2  # the real model: 4


def supported_aspect_ratios(max_tiles):
    """Tile grids (width, height) with at most max_tiles tiles, in the order the image processor numbers them."""
    return [[w, h] for w in range(1, max_tiles + 1) for h in range(1, max_tiles + 1) if w * h <= max_tiles]


def build_tokenizer():
    """A byte-level BPE tokenizer with no merges plus the Llama 3.2 Vision special tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    core = Tokenizer(models.BPE(vocab={ch: i for i, ch in enumerate(alphabet)}, merges=[]))
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    core.add_special_tokens(SPECIAL_TOKENS)
    bos = core.token_to_id("<|begin_of_text|>")
    # Like Llama 3's tokenizer: bos is prepended unless add_special_tokens=False (which the worker uses,
    # since the chat template already starts with bos).
    core.post_processor = processors.TemplateProcessing(
        single="<|begin_of_text|> $A",
        pair="<|begin_of_text|> $A <|begin_of_text|> $B",
        special_tokens=[("<|begin_of_text|>", bos)],
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core,
        bos_token="<|begin_of_text|>",
        eos_token="<|eot_id|>",
        pad_token="<|finetune_right_pad_id|>",
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def build_image_processor():
    """MllamaImageProcessor with small tiles. transformers 5 splits it by backend: the PIL one needs no torchvision."""
    import transformers.models.mllama as mllama_pkg

    kwargs = {"size": {"height": TILE_SIZE, "width": TILE_SIZE}, "max_image_tiles": MAX_TILES}
    pil_class = getattr(mllama_pkg, "MllamaImageProcessorPil", None)
    if pil_class is not None:
        try:
            import torchvision  # noqa: F401  (the default backend in transformers 5)
        except Exception:  # noqa: BLE001 - missing, or built for another torch
            return pil_class(**kwargs)
    return mllama_pkg.MllamaImageProcessor(**kwargs)


def build_config(tokenizer):
    from transformers import MllamaConfig

    vision_hidden = 32
    intermediate_layers = [0, 1]
    vision = {
        "hidden_size": vision_hidden,
        "num_hidden_layers": 2,
        "num_global_layers": 1,
        "num_attention_heads": 2,  # stored as attention_heads; this name works in 4.x and 5.x
        "intermediate_size": 64,
        "image_size": TILE_SIZE,
        "patch_size": PATCH_SIZE,
        "max_num_tiles": MAX_TILES,
        "supported_aspect_ratios": supported_aspect_ratios(MAX_TILES),
        "intermediate_layers_indices": intermediate_layers,
        # The projector reads the final hidden state concatenated with each listed intermediate one.
        "vision_output_dim": vision_hidden * (len(intermediate_layers) + 1),
    }
    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS}
    text = {
        "vocab_size": len(tokenizer),
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 3,
        "num_attention_heads": 2,
        "num_key_value_heads": 1,
        # Layer 1 is a cross-attention layer (the 11B model: [3, 8, 13, ..., 38] of 40).
        "cross_attention_layers": [1],
        "max_position_embeddings": 4096,
        "bos_token_id": ids["<|begin_of_text|>"],
        "eos_token_id": [ids["<|end_of_text|>"], ids["<|eot_id|>"]],
        "pad_token_id": ids["<|finetune_right_pad_id|>"],
    }
    return MllamaConfig(vision_config=vision, text_config=text, image_token_index=ids["<|image|>"])


def build(out_dir, seed=0):
    import torch
    from transformers import MllamaForConditionalGeneration, MllamaProcessor

    torch.manual_seed(seed)
    tokenizer = build_tokenizer()
    processor = MllamaProcessor(image_processor=build_image_processor(), tokenizer=tokenizer, chat_template=CHAT_TEMPLATE)
    config = build_config(tokenizer)
    model = MllamaForConditionalGeneration(config).eval()
    # Greedy by default, stopping at <|eot_id|> or <|end_of_text|> as the instruct model does.
    model.generation_config.bos_token_id = config.text_config.bos_token_id
    model.generation_config.eos_token_id = config.text_config.eos_token_id
    model.generation_config.pad_token_id = config.text_config.pad_token_id
    model.generation_config.do_sample = False

    os.makedirs(out_dir, exist_ok=True)
    model.save_pretrained(out_dir)
    processor.save_pretrained(out_dir)
    with open(os.path.join(out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write("Tiny randomly initialised Mllama (Llama 3.2 Vision layout) made by python/make_tiny_mllama.py "
                "for tests; its outputs are meaningless.\n")
    return out_dir


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    try:
        build(args.out_dir, args.seed)
    except ImportError as e:
        print(json.dumps({"error": f"{e.name or e} is not installed: pip install torch transformers pillow"}), file=sys.stderr)
        return 3
    print(args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
