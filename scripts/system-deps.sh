#!/usr/bin/env bash
# Install the Debian packages that the pipeline and its tests need, only when missing.
#   chromium                      headless browser for the reviewer page test
#   GStreamer rtsp-server + gi    a real RTSP server for camera tests
#   gstreamer plugins (x264 etc.) encoding the streams that server serves
#   fonts-wqy-microhei            CJK font for licence plates and overlays
#   ffmpeg                        test footage (tests/e2e/test_restart_one_case.py) and inspecting footage by hand
set -euo pipefail
PACKAGES=(
  chromium
  python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp gstreamer1.0-tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav
  fonts-wqy-microhei
  ffmpeg
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
