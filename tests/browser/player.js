// The browser side of the player tests (see player.html and play.mjs): attach a player
// to the <video>, play until 1 s of media has been shown, seek to `seek` (which must
// not be buffered yet), and pass once 1.5 s past the seek point has played: still
// within 6 s of it, not ended, and (with video) 20 frames decoded since the seek. The
// verdict goes to window.__result: {ok, why, events, seekedFrom, bufferedAtSeek, ...}.
(function () {
  const q = new URLSearchParams(location.search);
  const player = q.get('player') || 'video';
  const src = q.get('src');
  const seek = parseFloat(q.get('seek') || '20');
  const js = q.get('js') || '.';
  const wantAudio = q.get('audio') === '1';
  const v = document.getElementById('v');
  const events = [];
  const log = (m) => { events.push(m); document.getElementById('log').textContent += m + '\n'; };
  const done = (ok, why, extra) => {
    if (window.__result) return;
    window.__result = Object.assign({ ok, why, player, src, events: events.slice(-40) }, extra || {});
  };
  const ranges = (r) => Array.from({ length: r.length }, (_, i) => [r.start(i), r.end(i)]);
  const load = (file) => new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = js + '/' + file;
    s.onload = resolve;
    s.onerror = () => reject(new Error('cannot load ' + s.src));
    document.head.appendChild(s);
  });

  async function attach() {
    if (player === 'hls') {
      await load('hls.min.js');
      if (!Hls.isSupported()) throw new Error('hls.js: MSE not supported');
      const hls = new Hls({ maxBufferLength: 4, maxMaxBufferLength: 6, debug: false });
      hls.on(Hls.Events.ERROR, (_, d) => { log('hls error ' + d.type + ' ' + d.details + (d.fatal ? ' FATAL' : '')); if (d.fatal) done(false, 'hls.js fatal error: ' + d.details); });
      hls.on(Hls.Events.MANIFEST_PARSED, (_, d) => log('manifest: ' + d.levels.length + ' levels, audio tracks ' + hls.audioTracks.length));
      hls.loadSource(src);
      hls.attachMedia(v);
      window.__hls = hls;
    } else if (player === 'dash') {
      await load('dash.all.min.js');
      const p = dashjs.MediaPlayer().create();
      p.updateSettings({ debug: { logLevel: dashjs.Debug.LOG_LEVEL_WARNING }, streaming: { buffer: { bufferTimeAtTopQuality: 4, bufferTimeAtTopQualityLongForm: 4, stableBufferTime: 4 } } });
      p.on(dashjs.MediaPlayer.events.ERROR, (e) => { log('dash error ' + JSON.stringify(e.error || e)); done(false, 'dash.js error: ' + JSON.stringify(e.error || e)); });
      p.initialize(v, src, true);
      window.__dash = p;
    } else if (player === 'flv') {
      await load('flv.min.js');
      if (!flvjs.isSupported()) throw new Error('flv.js: MSE not supported');
      const seekType = q.get('flv_seek') || 'range';
      // flv_param: the query parameter of a 'param' seek (flv.js's seekParamStart).
      const seekParamStart = q.get('flv_param') || 'bstart';
      const p = flvjs.createPlayer({ type: 'flv', url: src, isLive: false }, { seekType, seekParamStart, lazyLoad: true, lazyLoadMaxDuration: 4, lazyLoadRecoverDuration: 2 });
      p.on(flvjs.Events.ERROR, (t, d, info) => { log('flv error ' + t + ' ' + d + ' ' + JSON.stringify(info)); done(false, 'flv.js error: ' + t + ' ' + d); });
      p.attachMediaElement(v);
      p.load();
      window.__flv = p;
    } else {
      v.src = src;
    }
  }

  let phase = 'start';
  let seekedFrom = null;
  let bufferedAtSeek = null;
  let framesAtSeek = 0;
  const frames = () => (v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().totalVideoFrames : 0);
  v.addEventListener('error', () => done(false, 'media element error ' + (v.error && v.error.code) + ' ' + (v.error && v.error.message)));
  ['loadedmetadata', 'playing', 'seeking', 'seeked', 'waiting', 'ended'].forEach((e) => v.addEventListener(e, () => log(e + ' t=' + v.currentTime.toFixed(3))));
  v.addEventListener('timeupdate', () => {
    if (phase === 'start' && v.currentTime >= 1) {
      phase = 'seeking';
      seekedFrom = v.currentTime;
      bufferedAtSeek = ranges(v.buffered);
      if (bufferedAtSeek.some(([a, b]) => a <= seek && seek < b)) {
        done(false, 'the seek point ' + seek + ' s is already buffered', { bufferedAtSeek });
        return;
      }
      log('seek to ' + seek + ' from ' + seekedFrom.toFixed(3) + ', buffered ' + JSON.stringify(bufferedAtSeek));
      framesAtSeek = frames();
      v.currentTime = seek;
    } else if (phase === 'seeking' && !v.seeking && v.currentTime >= seek + 1.5) {
      phase = 'done';
      // Played, not skipped: still near the seek point, with frames decoded since
      // (a stream the player cannot parse can make it jump to the end at once).
      const decodedSinceSeek = frames() - framesAtSeek;
      if (v.currentTime > seek + 6 || v.ended || (v.videoWidth > 0 && decodedSinceSeek < 20)) {
        done(false, 'jumped past the seek point instead of playing it', { currentTime: v.currentTime, ended: v.ended, decodedSinceSeek, seekedFrom, bufferedAtSeek });
        return;
      }
      const audioDecodedBytes = v.webkitAudioDecodedByteCount;
      const audioTracks = window.__hls ? window.__hls.audioTracks.length : window.__dash ? window.__dash.getTracksFor('audio').length : null;
      const extra = { seekedFrom, bufferedAtSeek, currentTime: v.currentTime, duration: v.duration, videoWidth: v.videoWidth, decodedFrames: v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().totalVideoFrames : null, audioDecodedBytes, audioTracks };
      if (wantAudio && !(audioDecodedBytes > 0)) {
        done(false, 'no audio was decoded', extra);
      } else {
        done(true, 'played past the seek point', extra);
      }
    }
  });
  attach().then(() => v.play().catch((e) => log('play(): ' + e))).catch((e) => done(false, String(e)));
})();
