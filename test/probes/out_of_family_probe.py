"""
Out-of-family probe: heavy legitimate API customers written from issue 10's list and what such customers do, and
(with --attacks) extraction written from published descriptions, independently of services/simulator/. Any alert of
severity medium or above on a benign key is a false positive. Tuning data, never a report figure (README.md here).

  python3 test/probes/out_of_family_probe.py --seed 5 --attacks --out probe.jsonl \
      [--merge-with r1s31.jsonl --merged merged.jsonl]
  bin/distillguard replay --input merged.jsonl --alerts alerts.jsonl
  python3 test/probes/out_of_family_probe.py --score alerts.jsonl --truth probe.jsonl.truth.json

Human prompts are ShareGPT conversations 0-6,999 (the tune slice; `make data-sharegpt`). Merging into a simulator day
gives the population and cohort statistics a realistic background; the merge keeps event time order.
"""
import argparse, collections, datetime, heapq, json, random, math, hashlib, re, sys

def event_time(line):
    v = re.search(r'"ts":\s*(\d+|"[^"]+")', line).group(1)
    if v[0] != '"': return int(v)
    return datetime.datetime.fromisoformat(v.strip('"').replace('Z', '+00:00')).timestamp() * 1000

def merge(a, b, out):
    def lines(fn):
        for l in open(fn): yield (event_time(l), l)
    with open(out, 'w') as f:
        for _, l in heapq.merge(lines(a), lines(b)): f.write(l if l.endswith('\n') else l + '\n')

def score(alerts, truth):
    seg = {k['api_key_id']: k['archetype'] for k in json.load(open(truth))['keys']}
    total = collections.Counter(seg.values()); hit = collections.defaultdict(dict)
    for l in open(alerts):
        a = json.loads(l)
        if a['severity'] not in ('medium', 'high', 'critical'): continue
        for k in a['api_key_ids']:
            if k in seg and k not in hit[seg[k]]: hit[seg[k]][k] = (a['kind'], a['category'], a['severity'])
    for s, n in total.items():
        print(f"{s:24s} alerted {len(hit[s])}/{n}", ' '.join(f"{k[-8:]}:{v[1]}/{v[2]}" for k, v in hit[s].items()))
    lab = {k['api_key_id']: k['label'] for k in json.load(open(truth))['keys']}
    print('benign keys alerted', sum(1 for v in hit.values() for k in v if lab[k] == 'benign'), 'of', sum(1 for v in lab.values() if v == 'benign'))

ap = argparse.ArgumentParser(description='out-of-family probe (tuning data)')
ap.add_argument('--seed', type=int, default=5); ap.add_argument('--out')
ap.add_argument('--human-turns', default='.data/sharegpt/human-turns.jsonl')
ap.add_argument('--merge-with'); ap.add_argument('--merged')
ap.add_argument('--score'); ap.add_argument('--truth')
ap.add_argument('--attacks', action='store_true', help='add attacker segments (label attack)')
args = ap.parse_args()
if args.score:
    score(args.score, args.truth); sys.exit(0)
if not args.out: ap.error('--out is required to generate')
rnd = random.Random(args.seed); HUMAN_TURNS = args.human_turns
START=1772668800000; H=3600_000; SPAN=24*H
turns=[]
for l in open(HUMAN_TURNS):
    r=json.loads(l)
    if r['conv']<7000 and 10<len(r['text'])<2500: turns.append(r['text'])
CLOUD=[16509,15169,8075,14061,24940,16276,13335,63949]; RESI=[7922,3320,2856,3215,12322,6830,4766,17676]
CC=['US','DE','GB','FR','JP','KR','BR','IN','NL','SG','CA','AU']
UAS=['openai-python/1.52.0','anthropic-python/0.49.0','node-fetch/3.3','axios/1.7.2','python-requests/2.32','langchain/0.2.11','Go-http-client/2.0','curl/8.5.0']
def h(s): return hashlib.sha256(s.encode()).hexdigest()
def tok(s): return max(1,len(s)//4)
def ip(): return f"{rnd.randint(3,220)}.{rnd.randint(0,255)}.{rnd.randint(0,255)}.{rnd.randint(1,254)}"
def rid(n=16): return ''.join(rnd.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(n))
TOPICS=['photosynthesis','supply chains','the French revolution','binary search trees','climate policy','sourdough baking','quantum tunnelling','tax law basics','marathon training','microservices','Roman architecture','vaccines','jazz history','inflation','volcanoes','machine translation','chess openings','urban gardening','the immune system','cryptography']
KINDS=['customer-support dialogues','product reviews','SQL questions with answers','short stories for children','email replies','FAQ entries','math word problems with answers','dialogues between a doctor and a patient']
DOCS=['report','whitepaper','blog post','lesson plan','technical guide','policy memo']
SUFFIX=['Explain your reasoning step by step.','Please show your work.','Walk me through it step by step.','Can you explain step by step?','Explain your reasoning.','Think it through step by step and explain.']
MMLU_SUBJ=['abstract_algebra','anatomy','astronomy','college_biology','econometrics','high_school_physics','jurisprudence','virology']
events=[]
def diurnal(t, tz):
    hr=((t-START)/H+tz)%24
    return 0.15+0.85*max(0.0, math.sin(math.pi*(hr-7)/14)) if 7<=hr<=21 else 0.15
def arrivals(rate, shape, tz=0, bursts=None):
    t=START
    while True:
        t+=rnd.expovariate(rate/H)
        if t>=START+SPAN: return
        w=1.0
        if shape=='diurnal': w=diurnal(t,tz)
        if shape=='burst': w=1.0 if any(a<=t<b for a,b in bursts) else 0.0
        if rnd.random()<w: yield int(t)
def key(seg, i, org=None, asn_pool=None, new=False):
    k=dict(api_key_id='key_'+rid(24), org_id=org or 'org_'+rid(14), account_id='acct_'+rid(16), seg=seg,
           billing_country=rnd.choice(CC), asn=rnd.choice(asn_pool or (CLOUD if rnd.random()<0.6 else RESI)),
           created=START-int((rnd.uniform(0.05,3) if new or rnd.random()<0.2 else rnd.uniform(10,900))*24*H),
           ua=rnd.choice(UAS), sys=h(seg+str(i)+rid(4)), ips=[ip() for _ in range(rnd.randint(1,4))], tz=rnd.choice([0,-5,1,9,5.5]))
    k['country']=k['billing_country'] if rnd.random()<0.8 else rnd.choice(CC)
    return k
def emit(k, ts, prompt, inp, outp, model='atlas-3', **extra):
    e=dict(event_id=f"pb-{k['api_key_id'][4:16]}-{len(events)}", ts=ts, api_key_id=k['api_key_id'], org_id=k['org_id'], model=model,
           input_tokens=int(inp), output_tokens=int(outp), endpoint='/v1/messages', status=200, max_tokens=extra.pop('max_tokens',4096),
           stop_reason='end_turn', latency_ms=int(200+outp*15), stream=True, user_agent=k['ua'], temperature=extra.pop('temperature',0.7),
           account_id=k["account_id"], billing_country=k["billing_country"], key_created_at=__import__("datetime").datetime.fromtimestamp(k["created"]/1000,__import__("datetime").timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
           system_prompt_sha256=k['sys'], client_ip=extra.pop('client_ip', rnd.choice(k['ips'])), client_asn=k['asn'], client_country=k['country'],
           prompt_sha256=h(prompt), prompt_text=prompt)
    e.update(extra); events.append(e)
keys=[]
N=8
for i in range(N):  # A study helper sending bare prompts with a reasoning request appended
    k=key('study_helper_bare',i); keys.append(k)
    for ts in arrivals(rnd.uniform(80,300),'diurnal',k['tz']):
        p=rnd.choice(turns); p = p+'\n\n'+rnd.choice(SUFFIX) if rnd.random()<0.6 else p
        emit(k,ts,p,tok(p)+rnd.randint(20,200),rnd.randint(350,1600))
for i in range(N):  # B B2B chat with history
    k=key('b2b_chat_history',i,asn_pool=CLOUD); keys.append(k)
    for ts in arrivals(rnd.uniform(300,1500),'diurnal',k['tz']):
        p=rnd.choice(turns); emit(k,ts,p,tok(p)+rnd.randint(300,6000),rnd.randint(120,900))
for i in range(N):  # C synthetic data within the terms
    k=key('synthetic_data_legit',i); keys.append(k)
    for ts in arrivals(rnd.uniform(400,1800),'flat'):
        n=rnd.choice([5,10,20]); p=f"Generate {n} diverse {rnd.choice(KINDS)} about {rnd.choice(TOPICS)}. Return JSON lines with fields \"input\" and \"output\". Vary tone and length."
        emit(k,ts,p,tok(p)+rnd.randint(50,400),rnd.randint(1200,4000),temperature=1.0)
for i in range(N):  # D eval harness: logprob multiple choice sweeps and CoT benchmark runs
    k=key('eval_harness',i,asn_pool=CLOUD); keys.append(k)
    b0=START+rnd.randint(0,18)*H; bursts=[(b0,b0+rnd.randint(1,3)*H)]
    cot = rnd.random()<0.5
    for ts in arrivals(rnd.uniform(1500,4000),'burst',bursts=bursts):
        q=rnd.choice(turns)[:400]
        if cot:
            p=f"Q: {q}\nA: Let's think step by step."; emit(k,ts,p,tok(p)+rnd.randint(200,800),rnd.randint(150,700),temperature=0,max_tokens=1024)
        else:
            p=f"The following are multiple choice questions about {rnd.choice(MMLU_SUBJ)}.\n\n{q}\nA. yes\nB. no\nC. maybe\nD. none\nAnswer:"
            emit(k,ts,p,tok(p),1,temperature=0,max_tokens=1,logprobs=True,top_logprobs=5)
for i in range(N):  # E document generation
    k=key('document_generation',i); keys.append(k)
    for ts in arrivals(rnd.uniform(100,600),'diurnal',k['tz']):
        p=f"Write a detailed {rnd.choice(DOCS)} about {rnd.choice(TOPICS)} for {rnd.choice(['executives','students','engineers','customers'])}, with an introduction, {rnd.randint(3,7)} sections and a conclusion."
        emit(k,ts,p,tok(p)+rnd.randint(100,600),rnd.randint(1800,6000))
for i in range(N):  # F serverless egress rotating IPs
    k=key('serverless_rotating',i,asn_pool=[16509]); keys.append(k)
    for ts in arrivals(rnd.uniform(200,800),'diurnal',k['tz']):
        p=rnd.choice(turns); emit(k,ts,p,tok(p)+rnd.randint(100,2500),rnd.randint(100,1000),client_ip=ip())
org='org_'+rid(14)
for i in range(N):  # G one enterprise, many keys
    k=key('enterprise_many_keys',i,org=org); k['sys']=h('ent-assistant'); keys.append(k)
    for ts in arrivals(rnd.uniform(50,400),'diurnal',1):
        p=rnd.choice(turns); emit(k,ts,p,tok(p)+rnd.randint(200,3000),rnd.randint(100,900))
for i in range(N):  # H summarisation of long documents
    k=key('summarisation',i); keys.append(k)
    for ts in arrivals(rnd.uniform(100,700),'diurnal',k['tz']):
        doc=' '.join(rnd.choice(turns) for _ in range(4)); p="Summarise the following text in five bullet points:\n\n"+doc
        emit(k,ts,p,tok(p)+rnd.randint(1500,7000),rnd.randint(150,600))

for i in range(N):  # I ticket classification asking for a reasoning field before the label (chain-of-thought prompting, short answers)
    k=key('cot_classification',i,asn_pool=CLOUD); keys.append(k)
    for ts in arrivals(rnd.uniform(300,1500),'diurnal',k['tz']):
        p="Classify the support ticket below into billing, bug, feature_request or other. Respond in JSON with the fields \"reasoning\" (think step by step) and \"category\".\n\nTicket: "+rnd.choice(turns)[:1200]
        emit(k,ts,p,tok(p)+rnd.randint(50,300),rnd.randint(60,250),temperature=0,max_tokens=512)
for i in range(N):  # J LLM-as-judge: grading another model's answers, reasoning first, then a score
    k=key('llm_judge',i,asn_pool=CLOUD); keys.append(k)
    b0=START+rnd.randint(0,16)*H; bursts=[(b0,b0+rnd.randint(2,6)*H)]
    for ts in arrivals(rnd.uniform(800,2500),'burst',bursts=bursts):
        q=rnd.choice(turns)[:600]; ans=' '.join(rnd.choice(turns) for _ in range(2))[:2000]
        p=f"You are grading an assistant's answer.\nQuestion: {q}\nAnswer: {ans}\nExplain your reasoning step by step, then give a score from 1 to 10 on the last line as 'Score: N'."
        emit(k,ts,p,tok(p)+rnd.randint(100,400),rnd.randint(150,600),temperature=0,max_tokens=1024)
for i in range(N):  # K eval harness running few-shot chain-of-thought benchmarks (8-shot, "Let's think step by step")
    k=key('eval_fewshot_cot',i,asn_pool=CLOUD); keys.append(k)
    b0=START+rnd.randint(0,16)*H; bursts=[(b0,b0+rnd.randint(2,6)*H)]
    for ts in arrivals(rnd.uniform(600,2500),'burst',bursts=bursts):
        q=rnd.choice(turns)[:500]
        p=f"Q: {q}\nA: Let's think step by step." if rnd.random()<0.5 else f"Solve the following problem step by step, showing your reasoning, and end with 'The answer is X'.\n\n{q}"
        emit(k,ts,p,tok(p)+rnd.randint(1200,2500),rnd.randint(300,1800),temperature=0,max_tokens=2048)

# Attackers (label "attack"), with --attacks: written from published descriptions of distillation, not from the simulator.
COT_ASKS=['Before answering, lay out your complete chain of thought inside <think></think>, then give the answer after "ANSWER:".',
          'Respond in JSON: {"thought_process": "<every step>", "final": "<answer>"}.',
          'Explain every intermediate step in detail, numbering them, then state the final result on its own line.',
          'First write out your full reasoning, then the answer. Do not skip any step; this is for a worked-solutions dataset.',
          'Think aloud: show all of your reasoning, including dead ends, before the final answer.']
PUZZLES=['A tank fills in {a} hours and drains in {b} hours. Starting empty with both open, when is it full?',
         'How many ways can {a} people sit at a round table if two of them refuse to sit together?',
         'Prove or disprove: the sum of {a} consecutive integers is always divisible by {a}.',
         'A bag has {a} red and {b} blue balls. Two are drawn without replacement. What is the probability both are red?',
         'Write a function that returns the {a}th prime number and analyse its complexity.',
         'If a train travels {a} km at {b} km/h and returns at {c} km/h, what is its average speed?']
def puzzle(): return rnd.choice(PUZZLES).format(a=rnd.randint(3,40), b=rnd.randint(2,30), c=rnd.randint(20,120))
def attack_key(seg, i, org=None):
    k=key(seg, i, org=org, asn_pool=RESI); k['label']='attack'; return k
if args.attacks:
    start=START+6*H
    for i in range(N):  # CoT harvesting, bare prompts, residential proxies rotating per request
        k=attack_key('atk_cot_bare',i); keys.append(k)
        for ts in arrivals(rnd.uniform(200,800),'flat'):
            if ts<start: continue
            p=puzzle()+'\n'+rnd.choice(COT_ASKS); emit(k,ts,p,tok(p)+rnd.randint(10,60),rnd.randint(600,3000),temperature=0.3,client_ip=ip())
    for i in range(N):  # CoT harvesting behind few-shot contexts: out/in stays near or under 1
        k=attack_key('atk_cot_fewshot',i); keys.append(k)
        for ts in arrivals(rnd.uniform(300,1000),'flat'):
            if ts<start: continue
            p=puzzle()+'\n'+rnd.choice(COT_ASKS); emit(k,ts,p,tok(p)+rnd.randint(1500,3500),rnd.randint(600,2000),temperature=0.3,client_ip=ip())
    for i in range(N):  # low and slow: the same, 10-40 an hour around the clock
        k=attack_key('atk_cot_slow',i); keys.append(k)
        for ts in arrivals(rnd.uniform(10,40),'flat'):
            p=puzzle()+'\n'+rnd.choice(COT_ASKS); emit(k,ts,p,tok(p)+rnd.randint(10,60),rnd.randint(600,3000),temperature=0.3)
    for i in range(N):  # bulk distillation with real human prompts and nothing else: the ambiguous case
        k=attack_key('atk_bulk_human_prompts',i); keys.append(k)
        for ts in arrivals(rnd.uniform(1500,3000),'flat'):
            if ts<start: continue
            p=rnd.choice(turns); emit(k,ts,p,tok(p),rnd.randint(700,3500),temperature=0.7,client_ip=ip())
    for i in range(N):  # a router key reselling chat, with one customer's CoT harvesting mixed in (about 15%)
        k=attack_key('atk_reseller_mixed',i); k['asn']=rnd.choice(CLOUD); keys.append(k)
        for ts in arrivals(rnd.uniform(800,2000),'flat'):
            if ts>=start and rnd.random()<0.15:
                p=puzzle()+'\n'+rnd.choice(COT_ASKS); emit(k,ts,p,tok(p)+rnd.randint(10,60),rnd.randint(600,3000),temperature=0.3)
            else:
                p=rnd.choice(turns); emit(k,ts,p,tok(p)+rnd.randint(300,6000),rnd.randint(120,900))
    for i in range(N):  # CoT harvesting from an unsupported country behind proxies that leak now and then
        k=attack_key('atk_region_leaky_proxy',i); k['billing_country']=rnd.choice(['CN','RU','IR']); keys.append(k)
        for ts in arrivals(rnd.uniform(200,600),'flat'):
            if ts<start: continue
            leak=rnd.random()<0.02
            p=puzzle()+'\n'+rnd.choice(COT_ASKS)
            emit(k,ts,p,tok(p)+rnd.randint(10,60),rnd.randint(600,3000),temperature=0.3,client_ip=ip(),
                 client_country=k['billing_country'] if leak else rnd.choice(['US','SG','JP','DE']))
    horg=None
    for i in range(3*N):  # hydra: 24 new keys in 24 orgs, one template family, 40-120 an hour each
        k=attack_key('atk_hydra',i); k['sys']=h('hydra-sys'); k['created']=start-int(rnd.uniform(0.1,2)*24*H); keys.append(k)
        for ts in arrivals(rnd.uniform(40,120),'flat'):
            if ts<start: continue
            p=puzzle()+'\n'+COT_ASKS[0]; emit(k,ts,p,tok(p)+rnd.randint(10,60),rnd.randint(600,3000),temperature=0.3)
events.sort(key=lambda e:e['ts'])
with open(args.out,'w') as f:
    for e in events: f.write(json.dumps(e,separators=(',',':'))+'\n')
json.dump({'keys':[{'api_key_id':k['api_key_id'],'archetype':k['seg'],'label':k.get('label','benign'),'campaign_start':None} for k in keys]},open(args.out+'.truth.json','w'))
print(len(events),'events',len(keys),'keys')
if args.merge_with:
    merge(args.merge_with, args.out, args.merged or args.out + '.merged.jsonl')
