"""The model half of python/worker.py: loading a vision-language model and running one request.

Why a separate file: worker.py is the protocol (JSON lines, the request loop); this file is what the
seed system did with transformers, kept together so it can be read against that recipe:
  MllamaForConditionalGeneration.from_pretrained(model_id, torch_dtype=torch.bfloat16, device_map="cuda")
  processor.apply_chat_template(messages, add_generation_prompt=True)
  processor(image, text, add_special_tokens=False, return_tensors="pt")
  model.generate(**inputs, max_new_tokens=N, do_sample=False), decoding only the new tokens
with a streamer that timestamps every token. torch and transformers are imported when called, so a
missing install is reported as a protocol error, not a traceback.

Standard library + torch, transformers and PIL only; transformers 4.45+ and 5.x.
"""

import base64
import io
import re
import sys
import time

DTYPES = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}

INSTALL_HINT = (
    "Install them for this interpreter ({python}): pip install torch transformers pillow. "
    "On ROCm (AMD Instinct) install the ROCm build of PyTorch first, from the wheel index that matches "
    "your ROCm version, e.g. pip install torch --index-url https://download.pytorch.org/whl/rocm6.4, "
    "then pip install transformers pillow."
)


class WorkerError(Exception):
    """A failure reported to the host as {"type": "error", "kind", "message"}."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind
        self.message = message


def log(message):
    print(f"[worker] {message}", file=sys.stderr, flush=True)


def version_tuple(text):
    return tuple(int(n) for n in re.findall(r"\d+", text)[:3])


def import_dependencies():
    try:
        import torch
        import transformers
        from PIL import Image
    except ImportError as e:
        name = {"PIL": "pillow"}.get(e.name, e.name or "a dependency")
        raise WorkerError("missing_dependency", f"{name} is not installed. " + INSTALL_HINT.format(python=sys.executable))
    if version_tuple(transformers.__version__) < (4, 45):
        raise WorkerError("missing_dependency", f"transformers {transformers.__version__} has no Llama 3.2 Vision (Mllama) support: pip install -U 'transformers>=4.45'")
    return torch, transformers, Image


def describe_load_error(model_id, e):
    """Turns a from_pretrained failure into a WorkerError whose message says what to do."""
    text = f"{type(e).__name__}: {e}"
    chain, cur = [], e
    while cur is not None and len(chain) < 10:
        chain.append(type(cur).__name__)
        cur = cur.__cause__ or cur.__context__
    gated = "GatedRepoError" in chain or "gated repo" in text.lower() or re.search(r"\b(401|403) Client Error", text)
    if gated:
        return WorkerError(
            "gated",
            f"{model_id} is a gated model and this machine has no access to it. Accept its license on "
            f"https://huggingface.co/{model_id} with your Hugging Face account, create a read token at "
            "https://huggingface.co/settings/tokens, then set HF_TOKEN=<token> (or log in with `hf auth login`, "
            f"formerly `huggingface-cli login`) and run again. ({text.splitlines()[0]})",
        )
    if "out of memory" in text.lower():
        return WorkerError("oom", f"loading {model_id} ran out of memory: {text.splitlines()[0]}")
    if "accelerate" in text and "pip install" in text:
        return WorkerError("missing_dependency", f"loading {model_id} needs accelerate: pip install accelerate ({text.splitlines()[0]})")
    return WorkerError("load", f"could not load {model_id}: {text}")


def dtype_argument(transformers):
    """from_pretrained's dtype keyword: `dtype` since transformers 4.56, `torch_dtype` before (5.x still accepts it, deprecated)."""
    return "dtype" if version_tuple(transformers.__version__) >= (4, 56) else "torch_dtype"


def load_model(args, torch, transformers):
    """Loads the model and processor the way the seed system does.

    Mllama (config.model_type == 'mllama'): MllamaForConditionalGeneration.from_pretrained(model_id,
    torch_dtype=torch.bfloat16, device_map="cuda"); anything else: AutoModelForImageTextToText
    (AutoModelForVision2Seq on releases without it). AutoProcessor for both.
    """
    torch_dtype = getattr(torch, DTYPES[args.dtype])
    try:
        config = transformers.AutoConfig.from_pretrained(args.model)
        if config.model_type == "mllama":
            model_class = transformers.MllamaForConditionalGeneration
        else:
            model_class = getattr(transformers, "AutoModelForImageTextToText", None) or transformers.AutoModelForVision2Seq
        kwargs = {dtype_argument(transformers): torch_dtype}
        if args.device == "cpu":
            model = model_class.from_pretrained(args.model, **kwargs)
        else:
            try:
                model = model_class.from_pretrained(args.model, device_map=args.device, **kwargs)
            except ValueError as e:
                # transformers 4.x needs accelerate for device_map; one device needs no dispatch.
                if "accelerate" not in str(e):
                    raise
                log("accelerate is not installed: loading on the CPU, then moving the model to " + args.device)
                model = model_class.from_pretrained(args.model, **kwargs).to(args.device)
        model.eval()
        processor = transformers.AutoProcessor.from_pretrained(args.model)
    except WorkerError:
        raise
    except Exception as e:  # noqa: BLE001 - every load failure is reported, with its kind
        raise describe_load_error(args.model, e) from e
    return config, model, processor


def device_facts(args, torch):
    on_gpu = args.device != "cpu" and torch.cuda.is_available()
    return {
        "device_name": torch.cuda.get_device_name(torch.device(args.device)) if on_gpu else "cpu",
        "cuda": torch.version.cuda,
        "hip": getattr(torch.version, "hip", None),
    }


def load_images(items, Image):
    """Each image arrives as a file path written by the host (or {"base64": ...}); decoded as RGB."""
    images = []
    for i, item in enumerate(items):
        try:
            if isinstance(item, dict):
                image = Image.open(io.BytesIO(base64.b64decode(item["base64"])))
            else:
                image = Image.open(item)
            images.append(image.convert("RGB"))
        except Exception as e:  # noqa: BLE001
            raise WorkerError("input", f"image {i + 1} could not be read: {e}") from e
    return images


class TokenTimer:
    """A generate() streamer that stamps each generated token with time.perf_counter().

    generate() first put()s the prompt ids, then each new token (one per step at batch size 1); the
    first call is skipped so that token_times[0] is the end of prefill (time to first token).
    Built on transformers' BaseStreamer, looked up at run time (nothing is imported at load).
    """

    @staticmethod
    def create():
        from transformers.generation.streamers import BaseStreamer

        class _TokenTimer(BaseStreamer):
            def __init__(self):
                self.prompt_seen = False
                self.times = []

            def put(self, value):
                now = time.perf_counter()
                if not self.prompt_seen:
                    self.prompt_seen = True
                    return
                count = value.numel() if hasattr(value, "numel") else 1
                self.times.extend([now] * max(1, count))

            def end(self):
                pass

        return _TokenTimer()


def build_inputs(state, request, images):
    """The prompt text and tensors: the chat template unless a raw prompt bypasses it.

    Seed recipe: processor.apply_chat_template(messages, add_generation_prompt=True), then
    processor(image, text, add_special_tokens=False, return_tensors="pt") (the template already
    starts with <|begin_of_text|>; a raw prompt carries its own).
    """
    processor, torch = state["processor"], state["torch"]
    raw = request.get("raw_prompt")
    if raw is None:
        # The chat template writes one image token per image part, wherever the part is (a
        # conversation has them in its first user turn); the processor pairs them with the images.
        parts = sum(1 for m in request["messages"] if isinstance(m.get("content"), list) for p in m["content"] if p.get("type") == "image")
        if parts != len(images):
            raise WorkerError("input", f"the messages have {parts} image part(s) for {len(images)} image(s)")
    try:
        if raw is not None:
            text = raw
        else:
            text = processor.apply_chat_template(request["messages"], add_generation_prompt=True, tokenize=False)
        if not images:
            image_arg = None
        elif len(images) == 1:
            image_arg = images[0]
        else:
            # One prompt with several images: Mllama wants a nested list (one list per prompt).
            image_arg = [images] if state["model_type"] == "mllama" else images
        inputs = processor(images=image_arg, text=text, add_special_tokens=False, return_tensors="pt")
    except Exception as e:  # noqa: BLE001
        raise WorkerError("input", f"preparing the prompt failed: {type(e).__name__}: {e}") from e
    inputs = inputs.to(state["model"].device)
    for key in ("pixel_values",):
        if key in inputs and torch.is_floating_point(inputs[key]):
            inputs[key] = inputs[key].to(state["model"].dtype)
    return inputs


def out_of_memory_message(state, e):
    torch, args = state["torch"], state["args"]
    free = ""
    try:
        free_b, total_b = torch.cuda.mem_get_info(torch.device(args.device))
        free = f"; {free_b / 2**30:.2f} GiB free of {total_b / 2**30:.2f} GiB on {state['device_name']}"
    except Exception:  # noqa: BLE001 - the numbers are a courtesy
        pass
    first = str(e).splitlines()[0] if str(e) else type(e).__name__
    return (f"out of GPU memory generating with {args.model} in {args.dtype}{free} (torch.cuda.mem_get_info). "
            f"Lower max tokens or concurrency, pick a smaller dtype or model, or free the GPU. ({first})")


def generate(state, request):
    """One request: the seed's model.generate(**inputs, max_new_tokens=N, do_sample=False), new tokens decoded."""
    torch, model, processor = state["torch"], state["model"], state["processor"]
    on_gpu = state["on_gpu"]
    start = time.perf_counter()
    if on_gpu:
        torch.cuda.reset_peak_memory_stats(model.device)
    images = load_images(request.get("images") or [], state["Image"])
    timer = TokenTimer.create()
    temperature = float(request.get("temperature") or 0)
    sampling = {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
    if request.get("min_new_tokens"):
        sampling["min_new_tokens"] = int(request["min_new_tokens"])
    try:
        inputs = build_inputs(state, request, images)  # moving the tensors to the GPU can run out of memory too
        with torch.inference_mode():
            output = model.generate(**inputs, max_new_tokens=int(request["max_new_tokens"]), streamer=timer, **sampling)
    except WorkerError:
        raise
    except Exception as e:  # noqa: BLE001
        if is_out_of_memory(torch, e):
            torch.cuda.empty_cache()
            raise WorkerError("oom", out_of_memory_message(state, e)) from e
        raise WorkerError("backend", f"generate failed: {type(e).__name__}: {e}") from e
    if on_gpu:
        torch.cuda.synchronize(model.device)
    end = time.perf_counter()
    prompt_tokens = int(inputs["input_ids"].shape[-1])
    new_tokens = output[0, prompt_tokens:]
    text = processor.decode(new_tokens, skip_special_tokens=True)
    return {
        "type": "result",
        "id": request.get("id"),
        "text": text,
        "prompt_tokens": prompt_tokens,
        "output_tokens": int(new_tokens.shape[-1]),
        "timing": {
            "start": start,
            "first_token": timer.times[0] if timer.times else None,
            "token_times": timer.times,
            "end": timer.times[-1] if timer.times else end,
        },
        "max_memory_allocated": torch.cuda.max_memory_allocated(model.device) if on_gpu else None,
        "max_memory_reserved": torch.cuda.max_memory_reserved(model.device) if on_gpu else None,
    }


def is_out_of_memory(torch, e):
    oom_type = getattr(torch.cuda, "OutOfMemoryError", None)
    return (oom_type is not None and isinstance(e, oom_type)) or "out of memory" in str(e).lower()
