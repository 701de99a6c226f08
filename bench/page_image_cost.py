"""One page image request's cost in a fresh process (before = ingest.pages.page_image, after = page_preview; time and peak RSS): python bench/page_image_cost.py before|after FILE"""
import resource, sys, time
from pathlib import Path
from donthu.config import Settings
from ingest.sniff import sniff
import api.app as app_module
which, path = sys.argv[1], Path(sys.argv[2])
data = path.read_bytes(); mime = sniff(data); s = Settings()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
if which == "before":
    from ingest.pages import page_image
    image = page_image(data, mime, 1, s)
else:
    from ingest.pages import page_preview
    image, scale = page_preview(data, mime, 1, s)
png = app_module._png_bytes(image)
dt = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{which:6} {path.name:15} {len(data)/2**20:6.1f} MB file -> {image.shape[1]}x{image.shape[0]} px, PNG {len(png)/2**20:6.1f} MB, "
      f"{dt:5.2f} s, peak RSS +{(peak - base)/1024:6.0f} MB")
