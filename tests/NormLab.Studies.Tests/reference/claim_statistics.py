# Reference values for ClaimStatisticsTests.cs, computed with mpmath 1.3.0 (python3 claim_statistics.py; about a minute).
from mpmath import mp, mpf, betainc, sqrt, quad, gamma, exp, erfc, inf, findroot
mp.dps = 40
def tcdf(t, df):
    t = mpf(t); df = mpf(df)
    x = df/(df+t*t)
    tail = betainc(df/2, mpf(1)/2, 0, x, regularized=True)/2
    return 1-tail if t > 0 else tail
def tq(p, df):
    # bisection
    lo, hi = mpf(-100), mpf(100)
    for _ in range(300):
        mid = (lo+hi)/2
        if tcdf(mid, df) < p: lo = mid
        else: hi = mid
    return (lo+hi)/2
def stats(x):
    x=[mpf(v) for v in x]; n=len(x); m=sum(x)/n
    sd=sqrt(sum((v-m)**2 for v in x)/(n-1)); return n,m,sd
x=["0.0012","-0.0004","0.0021","0.0009","-0.0011","0.0017","0.0005","0.0013","0.0002","0.0008"]
n,m,sd=stats(x); se=sd/sqrt(n); df=n-1
print("mean",mp.nstr(m,17),"sd",mp.nstr(sd,17))
t0=m/se
print("one-sided greater vs 0: t",mp.nstr(t0,17),"p",mp.nstr(1-tcdf(t0,df),17))
t1=(m-mpf("0.001"))/se
print("one-sided less vs 0.001: t",mp.nstr(t1,17),"p",mp.nstr(tcdf(t1,df),17))
M=mpf("0.002")
pl=1-tcdf((m+M)/se,df); pu=tcdf((m-M)/se,df)
print("tost 0.002: pl",mp.nstr(pl,17),"pu",mp.nstr(pu,17))
q=tq(mpf("0.95"),df); print("90% ci",mp.nstr(m-q*se,17),mp.nstr(m+q*se,17))
M=mpf("0.001")
pl=1-tcdf((m+M)/se,df); pu=tcdf((m-M)/se,df)
print("tost 0.001: pl",mp.nstr(pl,17),"pu",mp.nstr(pu,17))
# Holm
def holm(p):
    m_=len(p); order=sorted(range(m_), key=lambda i:(p[i],i)); adj=[0]*m_; run=0
    for r,i in enumerate(order):
        run=max(run,min(1,(m_-r)*p[i])); adj[i]=run
    return adj
print("holm",holm([0.01,0.04,0.03,0.005]))
print("holm2",holm([0.2,0.001,0.04,0.04,0.5]))
# seeds needed (approx formula) and exact power by noncentral t
def need(sd,eff,alpha,beta):
    n=2
    while True:
        if tq(1-alpha,n-1)+tq(1-beta,n-1) <= eff*sqrt(n)/sd: return n
        n+=1
def power(sd,eff,alpha,n):
    df=mpf(n-1); c=tq(1-alpha,df); ncp=eff*sqrt(n)/sd
    # P(Z+ncp > c*sqrt(V/df)), V ~ chi2(df)
    dens=lambda v: v**(df/2-1)*exp(-v/2)/(2**(df/2)*gamma(df/2))
    Phi_upper=lambda z: erfc(z/sqrt(2))/2
    return quad(lambda v: dens(v)*Phi_upper(c*sqrt(v/df)-ncp),[0,df,inf])
for sd,eff,alpha in [(0.0015,0.001,0.05),(0.0015,0.001,0.05/3),(0.003,0.002,0.05),(0.001,0.002,0.05)]:
    N=need(mpf(sd),mpf(eff),mpf(alpha),mpf("0.2"))
    print("need",sd,eff,alpha,N,"power at N",mp.nstr(power(mpf(sd),mpf(eff),mpf(alpha),N),6),"at N-1",mp.nstr(power(mpf(sd),mpf(eff),mpf(alpha),N-1),6) if N>2 else "")
# equivalence seeds
def needeq(sd,M,alpha,power):
    n=2
    while True:
        if tq(1-alpha,n-1)+tq(1-(1-power)/2,n-1) <= M*sqrt(n)/sd: return n
        n+=1
print("needeq",needeq(mpf("0.0015"),mpf("0.002"),mpf("0.05"),mpf("0.8")))
print("tq 0.95 df 9", mp.nstr(tq(mpf("0.95"),9),17))
