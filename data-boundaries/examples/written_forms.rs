//! Converts the evaluation set (every former unit in four written forms) and counts the
//! answers: `cargo run --release -p data-boundaries --example written_forms -- DATASET`.
//! Prints the wrong ones, which must be none.

use data_boundaries::address::{AddressIndex, Status};
use data_boundaries::national_address::written_forms;
use data_boundaries::Dataset;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: written_forms DATASET");
    let data = Dataset::load(std::path::Path::new(&dir)).expect("a usable dataset");
    let index = AddressIndex::new(&data);
    let forms = written_forms(&data);
    let started = std::time::Instant::now();
    let answers: Vec<_> = forms.iter().map(|f| index.convert(&data, &f.address)).collect();
    let elapsed = started.elapsed();
    let (mut matched, mut ambiguous, mut not_recognised, mut wrong) = (0, 0, 0, 0);
    for (form, answer) in forms.iter().zip(&answers) {
        match answer.status {
            Status::Matched | Status::Current => {
                let best = answer.best.as_ref().unwrap().new_commune;
                if form.new_units.len() == 1 && form.new_units[0] == best {
                    matched += 1;
                } else {
                    wrong += 1;
                    println!(
                        "WRONG {:?}: {} → {} ({})",
                        answer.status, form.address, data.communes[best].full_name, answer.explanation
                    );
                }
            }
            Status::Ambiguous => {
                ambiguous += 1;
                let named: Vec<usize> = answer.alternatives.iter().map(|a| a.new_commune).collect();
                if !form.new_units.iter().all(|u| named.contains(u)) && answer.alternatives.len() < 20 {
                    wrong += 1;
                    println!("MISSING {}: {:?}", form.address, answer.explanation);
                }
            }
            Status::NotRecognised => {
                not_recognised += 1;
                if not_recognised <= 15 {
                    println!("NOT RECOGNISED {} ({})", form.address, answer.explanation);
                }
            }
        }
    }
    println!(
        "{} addresses in {:.2} s ({:.0}/s): {matched} matched right, {ambiguous} ambiguous, {not_recognised} not recognised, {wrong} wrong",
        forms.len(),
        elapsed.as_secs_f64(),
        forms.len() as f64 / elapsed.as_secs_f64()
    );
}
