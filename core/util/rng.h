#pragma once
// A fixed pseudo-random generator (the synthetic graphs, refine's moves): xoshiro256**
// seeded through splitmix64 (Blackman and Vigna, "Scrambled linear
// pseudorandom number generators", 2018). Implemented here, with integer and
// real draws derived by hand, so that a seed gives the same graph on every
// platform and standard library (std::uniform_*_distribution is not
// specified bit-for-bit).

#include <cstddef>
#include <cstdint>

namespace pipecut {

class Rng {
public:
    explicit Rng(uint64_t seed)
    {
        uint64_t x = seed;
        for (uint64_t &s : m_s)
            s = splitmix64(x);
    }

    uint64_t next()
    {
        const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Uniform integer in [lo, hi] (hi - lo < 2^32; Lemire's multiply-shift,
    // whose tiny bias is irrelevant for graph shapes).
    int64_t between(int64_t lo, int64_t hi)
    {
        const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
        return lo + static_cast<int64_t>(((next() >> 32) * span) >> 32);
    }
    bool chance(double p) { return uniform() < p; }
    template <typename T, std::size_t N> const T &pick(const T (&items)[N])
    {
        return items[between(0, static_cast<int64_t>(N) - 1)];
    }

    static uint64_t splitmix64(uint64_t &x)
    {
        uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t m_s[4];
};

} // namespace pipecut
