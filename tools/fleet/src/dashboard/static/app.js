// The dashboard page: renders what the server pushes over server-sent events (/events).
// Plain browser JavaScript, no build step; uPlot (window.uPlot) draws the charts.
(() => {
  'use strict';

  const CHART_WINDOW_S = 300;
  const CHART_HEIGHT = 140;
  const FEED_SHOWN = 200;
  const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

  const $ = (id) => document.getElementById(id);
  const escape = (value) =>
    String(value ?? '').replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
    );
  const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });
  const fixed = (n, digits = 1) =>
    n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits);

  let history = [];
  let feed = [];
  const colours = new Map();
  const colour = (name) => {
    if (!colours.has(name)) colours.set(name, PALETTE[colours.size % PALETTE.length]);
    return colours.get(name);
  };

  const STATE_CLASS = { running: 'good', starting: 'info', paused: 'warn', killed: 'bad', exited: 'bad' };
  const HEALTH_CLASS = { serving: 'good', 'not-serving': 'bad', unreachable: 'bad' };
  const BREAKER_CLASS = { closed: 'good', 'half-open': 'warn', open: 'bad', disabled: '' };
  const badge = (text, cls) => `<span class="badge ${cls ?? ''}">${escape(text)}</span>`;

  function lease(i) {
    if (i.leaseTtl === undefined) return '–';
    if (i.leaseTtl < 0) return badge('expired', 'bad');
    return `${i.leaseTtl}s / ${i.leaseGranted}s`;
  }

  function registered(service, i) {
    if (i.registered === undefined) return '–';
    if (i.registered) return badge('registered', 'good');
    // The gateway speaks HTTP: it need not be in the registry.
    return service.kind === 'http' ? badge('n/a') : badge('not registered', 'warn');
  }

  function renderServices(snapshot) {
    if (!snapshot.fleet) {
      $('services').innerHTML = '<p class="empty">No fleet is running from this state directory.</p>';
      return;
    }
    $('services').innerHTML = snapshot.services
      .map((s) => {
        const rows = s.instances
          .map(
            (i) => `<tr data-instance="${escape(i.instanceId)}" data-state="${escape(i.state)}"
                data-health="${escape(i.health ?? '')}" data-registered="${i.registered ?? ''}"
                data-lease-ttl="${i.leaseTtl ?? ''}">
              <td>${escape(i.instanceId)}</td><td>${escape(i.address)}</td><td class="num">${escape(i.pid ?? '–')}</td>
              <td>${badge(i.state, STATE_CLASS[i.state])}</td>
              <td>${i.health ? badge(i.health, HEALTH_CLASS[i.health]) : '–'}</td>
              <td>${registered(s, i)}</td><td class="num">${lease(i)}</td></tr>`,
          )
          .join('');
        const strangers = s.strangers.length
          ? `<tr><td colspan="7" class="empty">also registered: ${escape(s.strangers.join(', '))}</td></tr>`
          : '';
        return `<div class="service" data-service="${escape(s.name)}">
          <h3>${escape(s.name)} <small class="empty">${s.kind === 'http' ? 'HTTP' : 'gRPC'}, ${s.instances.length} instance(s)</small></h3>
          <table><thead><tr><th>instance</th><th>address</th><th class="num">pid</th><th>state</th><th>health</th>
          <th>registry</th><th class="num">lease TTL</th></tr></thead><tbody>${rows}${strangers}</tbody></table></div>`;
      })
      .join('');
  }

  function role(m) {
    if (m.reachable)
      return m.isLeader ? badge('leader', 'info') : badge(m.isLearner ? 'learner' : 'follower', 'good');
    // The fleet's word first (killed, paused), else what the dashboard saw.
    return m.state && m.state !== 'running'
      ? badge(m.state, STATE_CLASS[m.state] ?? 'bad')
      : badge('unreachable', 'bad');
  }

  function renderStore(store) {
    $('store-leader').textContent = store.leader ?? 'none';
    $('store-term').textContent = store.term !== undefined ? `term ${store.term}` : '';
    if (store.members.length === 0) {
      $('store').innerHTML = '<p class="empty">No store members known.</p>';
      return;
    }
    const rows = store.members
      .map(
        (
          m,
        ) => `<tr data-member="${escape(m.name)}" data-leader="${m.isLeader}" data-reachable="${m.reachable}"
          data-term="${m.term ?? ''}" data-lag="${m.lag ?? ''}">
          <td>${escape(m.name)}</td><td>${escape(m.address.replace(/^https?:\/\//, ''))}</td>
          <td>${role(m)}</td>
          <td class="num">${escape(m.term ?? '–')}</td><td class="num">${escape(m.raftIndex ?? '–')}</td>
          <td class="num">${escape(m.lag ?? '–')}</td></tr>`,
      )
      .join('');
    $('store').innerHTML = `<table><thead><tr><th>member</th><th>client URL</th><th>role</th>
      <th class="num">term</th><th class="num">raft index</th><th class="num">lag</th></tr></thead><tbody>${rows}</tbody></table>`;
  }

  function renderEndpoints(gateway) {
    if (!gateway) {
      $('endpoints').innerHTML =
        '<p class="empty">No gateway stats (the fleet has no gateway, or it does not answer).</p>';
      return;
    }
    $('endpoints').innerHTML = gateway.clients
      .map((c) => {
        const rows = c.endpoints
          .map(
            (
              e,
            ) => `<tr data-endpoint="${escape(e.address)}" data-instance="${escape(e.instanceId ?? '')}" data-breaker="${escape(e.breaker)}">
              <td>${escape(e.instanceId ?? '')}</td><td>${escape(e.address)}</td><td>${badge(e.breaker, BREAKER_CLASS[e.breaker])}</td>
              <td class="num">${fixed(e.ewmaMs)}</td><td class="num">${e.inflight}</td><td class="num">${fixed(e.rate)}</td>
              <td class="num">${e.failed}</td></tr>`,
          )
          .join('');
        return `<div data-client="${escape(c.service)}"><h3>${escape(c.service)} <small class="empty">${escape(c.policy ?? '')},
          retries ${c.retries + c.transparentRetries}, hedges ${c.hedges}, throttled ${c.retriesThrottled}</small></h3>
          <table><thead><tr><th>instance</th><th>address</th><th>breaker</th><th class="num">EWMA ms</th>
          <th class="num">in flight</th><th class="num">req/s</th><th class="num">failed</th></tr></thead><tbody>${
            rows || '<tr><td colspan="7" class="empty">no endpoints</td></tr>'
          }</tbody></table></div>`;
      })
      .join('');
  }

  const KIND_CLASS = {
    kill: 'bad',
    exit: 'bad',
    pause: 'warn',
    resume: 'good',
    restart: 'info',
    start: 'good',
    'leader-change': 'info',
    breaker: 'warn',
  };

  function renderFeed() {
    $('feed').innerHTML = feed
      .slice(-FEED_SHOWN)
      .reverse()
      .map(
        (
          e,
        ) => `<li data-kind="${escape(e.kind)}"><time>${clock(e.at)}</time>${badge(e.kind, KIND_CLASS[e.kind])}
          ${e.instance ? `<strong>${escape(e.instance)}</strong> ` : ''}${escape(e.detail)}</li>`,
      )
      .join('');
  }

  function renderProblems(problems) {
    const list = $('problems');
    list.hidden = problems.length === 0;
    list.innerHTML = problems.map((p) => `<li>${escape(p)}</li>`).join('');
  }

  // --- charts ---
  // Every series is per service: the gateway's from its stats, the others' from their own metrics.
  const CHARTS = [
    { id: 'chart-rate', title: 'Requests per second', value: (s) => s.rate },
    { id: 'chart-errors', title: 'Errors per second', value: (s) => s.errors },
    { id: 'chart-latency', title: 'p99 latency, ms (last 10 s)', value: (s) => s.p99Ms },
  ];
  const plots = new Map();

  function seriesNames() {
    const names = new Set();
    for (const p of history) for (const n of Object.keys(p.services)) names.add(n);
    return [...names];
  }

  function renderCharts() {
    const since = Date.now() / 1000 - CHART_WINDOW_S;
    const points = history.filter((p) => p.at / 1000 >= since);
    const names = seriesNames();
    const key = names.join(',');
    for (const chart of CHARTS) {
      const el = $(chart.id);
      const data = [points.map((p) => p.at / 1000)];
      for (const n of names)
        data.push(points.map((p) => (p.services[n] ? (chart.value(p.services[n]) ?? null) : null)));
      // For people scripting the page (and its browser test): which services this chart has
      // values for, and which of them are above zero.
      const values = (k) => data[k + 1].filter((v) => v !== null);
      el.dataset.series = names.filter((n, k) => values(k).length > 0).join(' ');
      el.dataset.active = names.filter((n, k) => values(k).some((v) => v > 0)).join(' ');
      if (!window.uPlot) continue;
      const existing = plots.get(chart.id);
      if (existing && existing.key === key) {
        existing.plot.setData(data);
        continue;
      }
      existing?.plot.destroy();
      const plot = new window.uPlot(
        {
          title: chart.title,
          width: el.clientWidth,
          height: CHART_HEIGHT,
          scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
          series: [{}, ...names.map((n) => ({ label: n, stroke: colour(n), width: 1.5 }))],
          // Clock times only: the date would crowd a laptop-sized chart.
          axes: [{ space: 70, values: (u, splits) => splits.map((t) => clock(t * 1000)) }, { size: 44 }],
          legend: { live: false },
        },
        data,
        el,
      );
      plots.set(chart.id, { plot, key });
    }
  }

  window.addEventListener('resize', () => {
    for (const chart of CHARTS)
      plots.get(chart.id)?.plot.setSize({ width: $(chart.id).clientWidth, height: CHART_HEIGHT });
  });

  // --- wiring ---
  function render(snapshot) {
    const gateway = snapshot.fleet?.gateway;
    const link = $('gateway-url');
    link.textContent = gateway ?? '–';
    link.href = gateway ?? '#';
    $('updated').textContent = clock(snapshot.at);
    renderServices(snapshot);
    renderStore(snapshot.store);
    renderEndpoints(snapshot.gateway);
    renderProblems(snapshot.problems);
  }

  function setConnection(status) {
    const pill = $('connection');
    pill.dataset.status = status;
    pill.textContent = status;
  }

  const source = new EventSource('/events');
  source.addEventListener('open', () => setConnection('live'));
  source.addEventListener('error', () => setConnection('disconnected'));
  source.addEventListener('init', (e) => {
    const m = JSON.parse(e.data);
    history = m.history;
    feed = m.feed;
    setConnection('live');
    render(m.snapshot);
    renderFeed();
    renderCharts();
  });
  source.addEventListener('update', (e) => {
    const m = JSON.parse(e.data);
    render(m.snapshot);
    if (m.events.length) {
      feed.push(...m.events);
      if (feed.length > FEED_SHOWN * 2) feed = feed.slice(-FEED_SHOWN);
      renderFeed();
    }
    if (m.point) {
      history.push(m.point);
      if (history.length > CHART_WINDOW_S * 2) history = history.slice(-CHART_WINDOW_S);
      renderCharts();
    }
  });
})();
