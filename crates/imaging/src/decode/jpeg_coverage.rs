//! What the scans of a JPEG frame code together (T.81 G.1.1.1, libjpeg's `coef_bits`): every
//! component, and in a progressive image every coefficient band down to bit 0. A JPEG whose later
//! scans were cut away still ends with EOI and decodes gray or blurry; this is how it is caught.

/// For each component and coefficient (zigzag order), the lowest bit the scans so far have
/// coded, -1 for none: complete when every one is 0.
pub(super) struct Coverage {
    progressive: bool,
    coded: Vec<[i8; 64]>,
}

impl Coverage {
    pub(super) fn new(progressive: bool, components: usize) -> Coverage {
        Coverage {
            progressive,
            coded: vec![[-1; 64]; components],
        }
    }

    /// Notes what a walked scan coded (T.81 G.1.1.1). A sequential scan codes its components
    /// whole. A progressive first scan (Ah = 0) codes its band down to bit Al; a refinement scan
    /// codes bit Al of a band already coded down to bit Ah = Al + 1, and adds nothing to a band
    /// that is not there yet (a refinement whose previous scan was removed).
    pub(super) fn note(&mut self, ss: usize, se: usize, ah: u8, al: u8, comps: &[usize]) {
        // A progressive DC scan codes the DC coefficient only, whatever its Se says.
        let band = if !self.progressive {
            0..=63
        } else if ss == 0 {
            0..=0
        } else {
            ss..=se.min(63)
        };
        for &comp in comps {
            let Some(coded) = self.coded.get_mut(comp) else {
                continue;
            };
            for k in band.clone() {
                let bit = &mut coded[k];
                *bit = match (self.progressive, ah) {
                    (false, _) => 0,
                    (true, 0) if *bit < 0 => al as i8,
                    (true, ah) if ah > 0 && *bit == ah as i8 => al as i8,
                    _ => *bit,
                };
            }
        }
    }

    /// What the scans of a frame left uncoded, for `page.incomplete`: None when every component
    /// and, progressive, every coefficient down to bit 0 is coded (what libjpeg needs to call a
    /// progressive image complete).
    pub(super) fn missing(&self) -> Option<(String, String)> {
        let n = self.coded.len();
        let (mut vi, mut en) = (Vec::new(), Vec::new());
        for (i, coded) in self.coded.iter().enumerate() {
            let c = i + 1;
            if !self.progressive {
                if coded[0] < 0 {
                    vi.push(format!(
                        "thành phần màu {c}/{n} không có trong lượt quét nào"
                    ));
                    en.push(format!("component {c} of {n} is in no scan"));
                }
                continue;
            }
            // Runs of coefficients at the same bit, DC on its own.
            let mut k = 0;
            while k < 64 {
                let bit = coded[k];
                let end = if k == 0 {
                    0
                } else {
                    (k..64).take_while(|&j| coded[j] == bit).last().unwrap_or(k)
                };
                let band_vi = if k == 0 {
                    "hệ số DC".to_string()
                } else {
                    format!("hệ số AC {k}..{end}")
                };
                let band_en = if k == 0 {
                    "the DC coefficients".to_string()
                } else {
                    format!("AC coefficients {k}..{end}")
                };
                if bit < 0 {
                    vi.push(format!(
                        "không lượt quét nào mã hóa {band_vi} của thành phần màu {c}/{n}"
                    ));
                    en.push(format!("no scan codes {band_en} of component {c} of {n}"));
                } else if bit > 0 {
                    vi.push(format!("{band_vi} của thành phần màu {c}/{n} chỉ được mã hóa đến bit {bit}, thiếu các lượt quét tinh chỉnh đến bit 0"));
                    en.push(format!("{band_en} of component {c} of {n} are coded down to bit {bit} only, the refinement scans down to bit 0 are missing"));
                }
                k = end + 1;
            }
        }
        (!vi.is_empty()).then(|| (vi.join("; "), en.join("; ")))
    }
}
