"""Hand-written name pools for the synthetic population, one per community.

Every list is in rough order of frequency within the community (most common first); the
generator turns rank into a Zipf-like weight so that common names are common, which is what
term-frequency adjustment in matching needs to see.  A ``:N`` suffix overrides the weight of a
name (relative to a rank-1 weight of 10), and ``_`` stands for a space inside a name.  The
names are invented combinations of common names; none describes a real person.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Community:
    """Name pools and languages of one community."""

    male: str
    female: str
    surnames: str
    adult_languages: str  # "Language:weight ..."
    child_languages: str
    # Share of couples where the mother keeps her own (different) surname.
    wife_keeps_name: float = 0.1
    # Children take the father's given name as their surname (Somali, Eritrean practice).
    patronymic: float = 0.0
    # Share of people given a middle name.
    middle_name: float = 0.5
    # Surnames that change with sex (Polish -ski/-ska).
    gendered_surnames: bool = False
    # Fixed female surnames used instead of the family name (Kaur, Begum, Bibi, Khatun).
    female_surnames: str = ""
    female_surname_share: float = 0.0


ENGLISH_MALE_OLD = (
    "John David Michael Peter Robert Brian Anthony Alan Keith Colin Roger Terence Kenneth Raymond "
    "Derek Ronald Geoffrey Malcolm Barry Trevor Graham Dennis Roy Stanley Frederick Leslie Gordon "
    "Norman Bernard Harold William James Richard Christopher Stephen Paul Thomas George Arthur Eric "
    "Albert Douglas Clive Gerald Maurice Cyril Francis Edward Walter Ernest Philip Martin"
)
ENGLISH_FEMALE_OLD = (
    "Margaret Patricia Susan Christine Jean Barbara Linda Janet Elizabeth Mary Sandra Carol Ann "
    "Valerie Pauline Maureen Kathleen Brenda Sheila Joan Doreen Shirley Dorothy Irene Sylvia Joyce "
    "Jennifer Gillian Diane Judith Eileen Rosemary Hilary Wendy Jacqueline Marion Beryl Audrey "
    "Josephine Rita Gwendoline Veronica Elsie Edna Vera Lillian Winifred Muriel Anne June Betty"
)
ENGLISH_MALE_MID = (
    "David Paul Mark Andrew James Richard Christopher Stephen Michael Daniel Matthew Darren Lee "
    "Jason Craig Gary Simon Robert Ian Neil Thomas Adam Wayne Dean Scott Jonathan Martin Anthony "
    "Carl Stuart Kevin Sean Philip Ben Jamie Ryan Luke Nicholas Timothy Steven Shaun Jeremy "
    "Alexander William Benjamin Samuel Jonathon Gareth Russell Ross Glenn Barry Joseph Edward "
    "Christian Marc Karl Justin Robin Toby Oliver Joshua Liam Aaron Nathan Jack Thomas Kieran"
)
ENGLISH_FEMALE_MID = (
    "Sarah Claire Nicola Emma Lisa Joanne Michelle Helen Rachel Karen Louise Kelly Amanda Samantha "
    "Laura Donna Rebecca Stephanie Victoria Gemma Elizabeth Jennifer Katherine Catherine Kerry "
    "Natalie Julie Tracey Deborah Amy Jessica Hannah Charlotte Lucy Zoe Danielle Kirsty Leanne "
    "Vicky Alexandra Jodie Sophie Kathryn Caroline Suzanne Fiona Angela Jane Alison Sharon Dawn "
    "Tina Melanie Heather Jemma Hayley Carly Stacey Abigail Jenna Kimberley Rosie Harriet Eleanor"
)
ENGLISH_MALE_YOUNG = (
    "Oliver Jack Harry George Noah Charlie Jacob Alfie Freddie Oscar Leo Thomas James William Joshua "
    "Archie Henry Theo Ethan Max Isaac Lucas Arthur Logan Riley Mason Harrison Dylan Samuel Alexander "
    "Daniel Joseph Tyler Lewis Kai Finley Callum Liam Jayden Reuben Tommy Albie Louie Teddy Ronnie "
    "Frankie Stanley Edward Benjamin Jake Connor Bradley Kieran Ryan Luke Matthew Nathan Aaron "
    "Jenson Sebastian Elijah Toby Rory Ollie Zachary Hugo Jude Grayson Bobby Sonny Ellis Caleb "
    "Ashton Brandon Cameron Declan Elliot Morgan Owen Rhys Spencer Travis"
)
ENGLISH_FEMALE_YOUNG = (
    "Olivia Amelia Isla Ava Mia Emily Isabella Sophia Grace Lily Poppy Evie Ella Freya Charlotte "
    "Florence Ivy Rosie Willow Evelyn Sienna Phoebe Daisy Millie Ruby Chloe Jessica Holly Megan "
    "Lauren Ellie Sophie Amber Katie Hannah Eleanor Harper Layla Matilda Elsie Maisie Scarlett Esme "
    "Violet Alice Bethany Abigail Leah Molly Niamh Imogen Lola Darcy Alexandra Eliza Kayleigh "
    "Courtney Jade Paige Shannon Tia Demi Georgia Madison Summer Erin Faith Hollie Jasmine "
    "Libby Maddison Naomi Robyn Tilly Aimee Bella Cerys Elise Harriet Kacey Lexi Martha"
)
ENGLISH_SURNAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson "
    "Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood Turner Martin "
    "Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips "
    "Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey "
    "Collins Bell Shaw Murphy Miller Cox Richards Marshall Anderson Simpson Ellis Adams Wilkinson "
    "Foster Chapman Powell Webb Rogers Gray Mason Hunt Campbell Matthews Owen Palmer Holmes Mills "
    "Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham "
    "Pearson Fletcher Walsh Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford "
    "Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien "
    "Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman "
    "Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid "
    "Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner "
    "Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross "
    "Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis "
    "Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy "
    "Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Lambert Fraser "
    "Fuller Frost Brennan Knowles Barton Pritchard Goodwin Blake Tucker Stephens Pike Hammond "
    "Sanders Lamb Slater Gough Norris Rowe Mann Hobbs Randall Vincent Kemp Sharpe Hurst Dyer "
    "Lucas Jarvis Ashworth Vaughan Pope Weston Cartwright Pugh Steele Hussey Sims Buckley Peacock"
)
# Roots and endings for the long tail of rarer English surnames.
ENGLISH_SURNAME_ROOTS = (
    "Ash Brad Crom Hol Whit Black Brook Fair Hart Stan Win Mar Ather Brom Bur Cal Chad Dal Dray "
    "Elm Fen Gar Gos Haw Hay Kirk Lang Lin Mid Nor Old Pen Rad Ral Rush Sand Shel Sher Stock Thorn "
    "Under Wad War Wel Went Wey Wick Yar"
)
ENGLISH_SURNAME_ENDINGS = (
    "ley ford ton well wood field by ham worth more bridge combe den stead hurst ridge wick shaw cott brook"
)

COMMUNITIES: dict[str, Community] = {
    "english": Community(
        male=ENGLISH_MALE_MID,
        female=ENGLISH_FEMALE_MID,
        surnames=ENGLISH_SURNAMES,
        adult_languages="English:100",
        child_languages="English:100",
        wife_keeps_name=0.08,
        middle_name=0.7,
    ),
    "irish": Community(
        male="Sean Patrick Liam Conor Niall Ciaran Declan Eoin Cian Darragh Padraig Oisin Michael "
        "John Brendan Kevin Eamon Fergus Ronan Shane",
        female="Siobhan Niamh Aoife Ciara Sinead Roisin Orla Caoimhe Aisling Mairead Bridget "
        "Grainne Maeve Clodagh Deirdre Fionnuala Emer Saoirse",
        surnames="Murphy Kelly O'Sullivan Walsh Byrne Ryan O'Connor O'Brien McCarthy Doyle "
        "Gallagher Kennedy Lynch Murray Quinn Moore McLaughlin Carroll Connolly Daly Dunne "
        "Brennan Fitzgerald Nolan O'Donnell Keane Donnelly McGrath Flanagan O'Reilly",
        adult_languages="English:97 Irish:3",
        child_languages="English:100",
        middle_name=0.6,
    ),
    "irish_traveller": Community(
        male="John Patrick Michael Martin Thomas Christy Joe Edward Francis James",
        female="Mary Bridget Margaret Kathleen Nora Ellen Winnie Josie Ann Chelsea",
        surnames="Ward McDonagh Connors Maughan Joyce Sweeney O'Donoghue Doherty Quilligan Stokes Delaney McGinley",
        adult_languages="English:90 Shelta:10",
        child_languages="English:95 Shelta:5",
        middle_name=0.3,
    ),
    "roma": Community(
        male="Florin Marian Ionel Costel Gheorghe Nicolae Sorin Vasile Adrian Daniel Samuel",
        female="Maria Florentina Mariana Elena Ana Lavinia Denisa Loredana Roxana Violeta",
        surnames="Stoica Lingurar Radu Dumitru Caldararu Rostas Lacatus Tanase Smith Lee Price "
        "Boswell Cooper Lovell Loveridge Balogh Horvath",
        adult_languages="Romany:45 Romanian:35 English:10 Slovak:10",
        child_languages="Romany:35 Romanian:25 English:35 Slovak:5",
        middle_name=0.2,
    ),
    "polish": Community(
        male="Jakub Kacper Szymon Michał Piotr Krzysztof Tomasz Paweł Łukasz Marcin Mateusz Adam "
        "Kamil Dawid Bartosz Grzegorz Wojciech Marek Andrzej Jan Filip Maciej Rafał Damian Patryk "
        "Aleksander Antoni Franciszek Wiktor Oskar",
        female="Anna Zuzanna Julia Maja Zofia Katarzyna Agnieszka Magdalena Joanna Aleksandra "
        "Monika Karolina Natalia Ewa Małgorzata Justyna Marta Paulina Dominika Oliwia Hanna Lena "
        "Weronika Wiktoria Barbara Alicja Amelia Emilia Nikola Gabriela",
        surnames="Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
        "Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski "
        "Grabowski Nowakowski Pawłowski Michalski Nowicki Adamczyk Dudek Zając Wieczorek "
        "Jabłoński Król Majewski Olszewski Jaworski Wróbel Malinowski Pawlak Witkowski Walczak "
        "Stępień Górski Rutkowski Michalak Sikora Ostrowski Baran Duda Szewczyk Tomaszewski "
        "Pietrzak Marciniak Wróblewski Zalewski Jakubowski Jasiński Zawadzki Sadowski Bąk",
        adult_languages="Polish:92 English:8",
        child_languages="Polish:55 English:45",
        middle_name=0.35,
        gendered_surnames=True,
    ),
    "romanian": Community(
        male="Andrei Alexandru Ionuț Mihai Gabriel Cristian Florin Marius Adrian Ștefan Bogdan "
        "Daniel Constantin Vasile Ion George Răzvan Cosmin Sorin Claudiu Ionel Robert Liviu",
        female="Maria Elena Ioana Andreea Alexandra Mihaela Ana Cristina Gabriela Daniela Roxana "
        "Florentina Georgiana Alina Ionela Denisa Bianca Raluca Larisa Diana Irina Simona",
        surnames="Popa Popescu Pop Radu Dumitru Stan Stoica Gheorghe Matei Ciobanu Ionescu Rusu "
        "Munteanu Constantin Mihai Marin Florea Dinu Lazăr Tudor Moldovan Ene Barbu Nistor Toma "
        "Sandu Georgescu Diaconu Ursu Cristea Dobre Neagu Oprea Zamfir",
        adult_languages="Romanian:93 English:7",
        child_languages="Romanian:55 English:45",
        middle_name=0.3,
    ),
    "european": Community(
        male="João Luca Marco Tiago Pedro Mantas Lukas Tomas Giorgos Dimitris Mehmet Pablo Javier "
        "Matteo Francesco Rui Andrius Martin Nikolai Ivan Emre Stefan",
        female="Ana Sofia Giulia Inês Beatriz Laura Agnė Eleni Elif Carmen Lucia Francesca "
        "Rasa Marta Ivana Katerina Petra Zeynep Chiara Ioanna",
        surnames="Silva Santos Ferreira Pereira Rossi Russo García Rodríguez Kazlauskas Petrov "
        "Papadopoulos Yılmaz Kaya Costa Oliveira Fernández Romano Jankauskas Novák Horváth "
        "Ivanov Demir Müller Schmidt Bianchi Ricci Martins Sousa",
        adult_languages="Portuguese:22 Lithuanian:14 Italian:12 Spanish:12 Turkish:10 Greek:6 "
        "Bulgarian:8 Slovak:6 English:10",
        child_languages="English:50 Portuguese:15 Lithuanian:8 Italian:6 Spanish:8 Turkish:8 Bulgarian:5",
        middle_name=0.3,
    ),
    "pakistani": Community(
        male="Muhammad:40 Mohammed:12 Ali Ahmed Hassan Usman Bilal Imran Adnan Zubair Asif "
        "Tariq Kamran Faisal Waqas Hamza Ibrahim Yusuf Zain Ayaan Rayyan Haris Abdullah Umar "
        "Shahid Naveed Arslan Saad Sohail Junaid Aryan Musa Zakariya Hussain Mohammad Abdul",
        female="Ayesha Fatima Maryam Zainab Hafsa Aisha Sana Amina Nadia Samina Shazia Rubina "
        "Nazia Saima Iqra Hira Khadija Mahnoor Alishba Anaya Zara Sadia Mehwish Bushra Parveen "
        "Naseem Tahira Noor Inaya Eman Hania Khadijah Safiya",
        surnames="Khan Hussain Ahmed Ali Akhtar Iqbal Mahmood Shah Rashid Butt Malik Qureshi "
        "Aslam Riaz Raza Anwar Javed Mirza Chaudhry Sheikh Abbasi Rehman Bashir Saleem Yousaf "
        "Nawaz Arshad Sadiq Zaman Siddiqui Ashraf Mehmood Hanif Rafiq Shabir",
        adult_languages="Urdu:45 Punjabi:30 Pahari:8 English:17",
        child_languages="English:55 Urdu:25 Punjabi:15 Pahari:5",
        wife_keeps_name=0.45,
        middle_name=0.55,
        female_surnames="Bibi:6 Begum:4 Akhtar:3 Kausar Parveen",
        female_surname_share=0.15,
    ),
    "indian_sikh": Community(
        male="Gurpreet Harpreet Jaspreet Manpreet Amarjit Jasbir Harjit Sukhdev Kulwinder Gurdeep "
        "Ranjit Balwinder Arjun Harvinder Jaswinder Navdeep Gurjit Rajinder Jagdeep Sukhvir "
        "Harjot Arjan Fateh Jovan Ekam",
        female="Harpreet Gurpreet Manjit Jaspreet Simran Amrit Navneet Rajinder Kiran Sukhjit "
        "Harleen Jasleen Parminder Mandeep Balbir Gurleen Jasmeet Amarpreet Harnoor Simrat",
        surnames="Singh:40 Sandhu Gill Sidhu Dhillon Grewal Bains Johal Sahota Virdi Bhatti Kang "
        "Mann Dhaliwal Sangha Atwal Chahal Hayer Rai Sohal",
        adult_languages="Punjabi:80 English:15 Hindi:5",
        child_languages="English:60 Punjabi:40",
        wife_keeps_name=0.2,
        middle_name=0.2,
        female_surnames="Kaur",
        female_surname_share=0.45,
    ),
    "indian_hindu": Community(
        male="Raj Rahul Amit Sanjay Vijay Rajesh Ravi Arjun Krishna Nikhil Aarav Vivaan Rohan Dev "
        "Anil Suresh Ramesh Deepak Sunil Vikram Aditya Karan Sai Joseph Thomas Jibin Anish Manoj "
        "Pranav Ishaan",
        female="Priya Pooja Anjali Neha Sunita Meera Kavita Divya Asha Rekha Nisha Anika Aanya "
        "Riya Shreya Lakshmi Deepa Geeta Sita Ananya Jincy Mary Sini Bindu Reshma Aditi Diya",
        surnames="Patel:30 Shah Sharma Kumar Mistry Parmar Joshi Mehta Desai Nair Pillai Menon "
        "Reddy Rao Gupta Chauhan Solanki Chavda Thakkar Modi Varma Iyer Joseph Thomas George "
        "Varghese Mathew Kurian Jacob Pandya Lad Rana",
        adult_languages="Gujarati:30 Malayalam:18 Hindi:15 Tamil:10 Telugu:7 English:20",
        child_languages="English:65 Gujarati:12 Malayalam:10 Hindi:6 Tamil:7",
        wife_keeps_name=0.05,
        middle_name=0.3,
    ),
    "bangladeshi": Community(
        male="Mohammed:25 Abdul:12 Mohammad:6 Rahim Karim Shahid Jamal Rafiq Sabbir Habib Nazrul "
        "Aminul Mizanur Shafiqul Anwar Ruhul Ayaan Rayan Zayan Yahya Ismail Sami Tanvir Imran "
        "Sohel Rashid Mahbub Jubayer",
        female="Fatema Nasima Rokeya Shirin Taslima Shamima Ruksana Hasina Parveen Jahanara Salma "
        "Sultana Nusrat Tasnim Sumaiya Maisha Tahmina Aleya Afsana Khadija Safa Inaya Amira Hafsa "
        "Rumana Jannat",
        surnames="Miah:12 Uddin:10 Rahman Ahmed Hussain Ali Islam Hoque Chowdhury Hossain Alam "
        "Khan Ullah Choudhury Haque Sarkar Mia Talukdar Rob Kabir",
        adult_languages="Bengali:55 Sylheti:35 English:10",
        child_languages="English:55 Bengali:25 Sylheti:20",
        wife_keeps_name=0.5,
        middle_name=0.45,
        female_surnames="Begum:10 Khatun:3 Akter:3 Bibi",
        female_surname_share=0.35,
    ),
    "somali": Community(
        male="Mohamed:25 Abdi Ahmed Ali Hassan Abdirahman Abdullahi Omar Ismail Yusuf Mahamed "
        "Abdikarim Hussein Ibrahim Mustafa Farah Osman Abdiaziz Guled Liban Bashir Khalid "
        "Mukhtar Zakaria Jama Nuur Abdulkadir Mohamud Said",
        female="Fadumo Hodan Amina Asha Ayan Hibo Ikran Nimco Sahra Hamdi Fardowsa Halima Sagal "
        "Ubah Najma Khadra Deeqa Muna Safiya Ilhan Idil Maryan Hawa Sumaya Yasmin Hani",
        surnames="Abdi Mohamed Ali Hassan Farah Jama Warsame Omar Ahmed Hussein Yusuf Osman "
        "Ibrahim Ismail Egal Aden Dahir Noor Elmi Hersi Nur Mohamud Abdullahi Duale Gedi Mahamud "
        "Abdulle Shire",
        adult_languages="Somali:90 Arabic:5 English:5",
        child_languages="Somali:50 English:50",
        wife_keeps_name=0.9,
        patronymic=0.5,
        middle_name=0.5,
    ),
    "west_african": Community(
        male="Oluwaseun Chinedu Emeka Tunde Ayodele Oluwatobi Chukwuemeka Adebayo Femi David "
        "Daniel Samuel Emmanuel Michael Joshua Ikenna Obinna Olumide Segun Tobi Kelechi Uche "
        "Victor Godwin Kingsley Kwame Kofi Kwabena Isaac Ebenezer Divine Jayden",
        female="Chioma Ngozi Adaeze Funmilayo Folake Blessing Grace Esther Joy Precious Oluwakemi "
        "Temitope Yetunde Chiamaka Amaka Ifeoma Bukola Abimbola Favour Mercy Comfort Deborah "
        "Tolulope Kemi Ama Akosua Abena Adwoa Peace Gift",
        surnames="Okafor Adeyemi Okonkwo Adebayo Ogunleye Okeke Eze Nwosu Olawale Ibrahim Bello "
        "Adewale Oyelaran Onyeka Uchenna Okoro Akinola Balogun Ogunbiyi Obi Nwachukwu Adeleke "
        "Ogundipe Oladipo Afolabi Chukwu Babatunde Adeyinka Ojo Mensah Owusu Boateng Asante Osei "
        "Agyeman Appiah Addo Oduya",
        adult_languages="English:55 Yoruba:18 Igbo:12 Twi:10 French:5",
        child_languages="English:90 Yoruba:5 Igbo:3 Twi:2",
        wife_keeps_name=0.05,
        middle_name=0.75,
    ),
    "caribbean": Community(
        male="Marcus Delroy Winston Errol Leroy Jermaine Tyrone Andre Dwayne Kemar Nathaniel "
        "Michael David Anthony Daniel Joshua Elijah Isaiah Kai Malachi Jaden Trevor",
        female="Marcia Beverley Sonia Donna Paulette Janelle Shanice Keisha Tanisha Chantelle Jada "
        "Aaliyah Imani Marlene Hyacinth Jennifer Michelle Amara Zuri Nia",
        surnames="Campbell Brown Williams Clarke Thompson Francis Grant Henry Reid Morgan Lewis "
        "Robinson Bailey Gordon Johnson Samuels Spencer Stewart Walker Graham Richards Powell "
        "Barnes Daley Forbes McKenzie Beckford Blake Dennis Edwards",
        adult_languages="English:97 Patois:3",
        child_languages="English:100",
        middle_name=0.7,
    ),
    "kurdish": Community(
        male="Kawa Karwan Rebwar Hiwa Sherzad Dilshad Azad Aram Baran Rawand Hemin Shvan Zana Soran "
        "Hawre Ako Diyar Ahmad Mohammad Omed Alan Dara",
        female="Shilan Shirin Nasrin Hero Rezan Sakar Avin Berivan Jwan Lana Rojin Dilan Nazdar Shno "
        "Ronak Zhiyan Zhilwan Nazanin Tara",
        surnames="Ahmed Mohammed Rasul Karim Hussein Abdullah Aziz Kareem Salih Mustafa Qadir Hama "
        "Amin Othman Rashid Sharif Jalal Mahmood Faraj Bakr",
        adult_languages="Kurdish:85 Arabic:8 Farsi:7",
        child_languages="Kurdish:55 English:45",
        wife_keeps_name=0.6,
        middle_name=0.3,
    ),
    "eritrean": Community(
        male="Yonas Dawit Filmon Semere Tesfay Kidane Mehari Biniam Robel Henok Yohannes Mussie "
        "Samuel Daniel Ermias Habtom Tekle Amanuel Mebrahtu Berhane Goitom Efrem",
        female="Senait Helen Saba Selam Rahel Mebrat Lidya Hiwet Ruta Yordanos Tsega Feven Eden "
        "Winta Luwam Sara Semhar Mahlet Abeba Azeb Tigist",
        surnames="Tesfay Kidane Gebremedhin Habte Tekle Berhane Mehari Ghebremariam Woldemariam "
        "Haile Asfaha Gebreyesus Negash Andemariam Yemane Tewelde Abraha Weldu Mebrahtu Ghirmay",
        adult_languages="Tigrinya:90 Arabic:5 Amharic:5",
        child_languages="Tigrinya:55 English:45",
        wife_keeps_name=0.9,
        patronymic=0.6,
        middle_name=0.4,
    ),
    "chinese": Community(
        male="Wei Jun Hao Lei Jian Ming Yi Chen Yang Tao Kai Jie Hong Kwok Wing Ka_Ho Chun Zihan "
        "Yuxuan Haoran Zixuan Yiming Jack Kevin Daniel Eric Ryan Jason",
        female="Li Mei Xin Ying Fang Jing Lan Hui Yan Xiao Ling Yu Wing Ka_Yan Mei_Ling Siyu Xinyi "
        "Yutong Jessica Emily Grace Amy Vivian Cindy Michelle",
        surnames="Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo "
        "Chan Wong Cheung Lee Lam Ng Leung Ho Tang Yip Lau",
        adult_languages="Mandarin:55 Cantonese:35 English:10",
        child_languages="English:60 Cantonese:20 Mandarin:20",
        wife_keeps_name=0.7,
        middle_name=0.15,
    ),
    "arabic": Community(
        male="Mohammed:15 Ahmad Omar Khaled Mahmoud Yousef Abdullah Hamza Ali Hussein Karim Tarek "
        "Sami Walid Bilal Amir Adam Yassin Zaid Majd Rami Fadi Hadi Ibrahim Mustafa",
        female="Fatima Aya Noor Mariam Rana Lina Hala Reem Salma Dana Layla Yasmin Rania Huda Amal "
        "Nour Sara Jana Lujain Hiba Rawan Asma",
        surnames="Al-Ahmad Al-Hassan Hassan Ahmed Khalil Ibrahim Mahmoud Haddad Saleh Nasser "
        "Abdullah Al-Khatib Othman Yousef Mansour Hamdan Darwish Suleiman Al-Hussein Qasim "
        "Al-Ali Al-Jabouri Aziz Farouk Haidar Elsayed",
        adult_languages="Arabic:92 English:8",
        child_languages="Arabic:55 English:45",
        wife_keeps_name=0.5,
        middle_name=0.35,
    ),
    "afghan": Community(
        male="Ahmad Mohammad Abdul Ali Farid Hamid Jawad Mustafa Najib Rahim Sayed Zabihullah "
        "Hamidullah Shafiq Wahid Bashir Noor Ahmad_Shah Mirwais",
        female="Fatima Maryam Zahra Shabana Parwana Nilofar Freshta Mursal Sara Marwa Zarghona "
        "Hasina Nazifa Mahbooba Roya Sadaf",
        surnames="Ahmadzai Popal Hakimi Rahimi Karimi Noori Sultani Amiri Hashimi Safi Stanikzai "
        "Wardak Mohammadi Azizi Habibi Sediqi",
        adult_languages="Dari:55 Pashto:40 English:5",
        child_languages="Dari:35 Pashto:25 English:40",
        wife_keeps_name=0.5,
        middle_name=0.2,
    ),
    "filipino": Community(
        male="Jose Mark John_Paul Jerome Christian Michael Joseph Angelo Carlo Ramon Rodel Jun",
        female="Maria Angelica Princess Mary_Grace Kristine Jocelyn Marites Rowena Joy Cherry Analyn",
        surnames="Santos Reyes Cruz Garcia Mendoza Bautista Dela_Cruz Ramos Aquino Villanueva "
        "Castillo Flores Gonzales Navarro Torres",
        adult_languages="Tagalog:70 English:30",
        child_languages="English:75 Tagalog:25",
        middle_name=0.6,
    ),
    "nepali": Community(
        male="Bikash Santosh Ram Hari Krishna Suman Prakash Rajan Dipak Sagar Bishal Aayush",
        female="Sunita Manisha Sita Gita Anita Sarita Puja Kamala Rita Srijana Asmita Prakriti",
        surnames="Gurung Rai Limbu Thapa Tamang Magar Shrestha Pun Ghale Sherpa",
        adult_languages="Nepali:85 English:15",
        child_languages="English:60 Nepali:40",
        middle_name=0.15,
    ),
}

# English given names by era of birth: the "english" community uses these instead of its
# own lists so that a 80-year-old is a Margaret and a 5-year-old an Olivia.
ENGLISH_BY_ERA = {
    "old": (ENGLISH_MALE_OLD, ENGLISH_FEMALE_OLD),
    "mid": (ENGLISH_MALE_MID, ENGLISH_FEMALE_MID),
    "young": (ENGLISH_MALE_YOUNG, ENGLISH_FEMALE_YOUNG),
}

# Communities sharing English-style given names by era (with their own surnames).
ENGLISH_STYLE_GIVEN = {"english", "irish", "caribbean"}

# Ethnicity (DfE CIN census code) -> (community, weight) choices.
ETHNICITY_COMMUNITIES: dict[str, list[tuple[str, float]]] = {
    "WBRI": [("english", 1.0)],
    "WIRI": [("irish", 1.0)],
    "WIRT": [("irish_traveller", 1.0)],
    "WROM": [("roma", 1.0)],
    "WOTH": [("polish", 0.45), ("romanian", 0.25), ("european", 0.30)],
    "AIND": [("indian_hindu", 0.6), ("indian_sikh", 0.4)],
    "APKN": [("pakistani", 1.0)],
    "ABAN": [("bangladeshi", 1.0)],
    "AOTH": [("afghan", 0.35), ("filipino", 0.25), ("nepali", 0.25), ("indian_hindu", 0.15)],
    "CHNE": [("chinese", 1.0)],
    "BAFR": [("west_african", 0.45), ("somali", 0.30), ("eritrean", 0.20), ("arabic", 0.05)],
    "BCRB": [("caribbean", 1.0)],
    "BOTH": [("caribbean", 0.4), ("west_african", 0.3), ("somali", 0.3)],
    "OOTH": [("arabic", 0.45), ("kurdish", 0.35), ("european", 0.20)],
}

# Mixed ethnicities: (first parent's ethnicity, second parent's ethnicity choices).
MIXED_PARENTS: dict[str, tuple[str, list[tuple[str, float]]]] = {
    "MWBC": ("WBRI", [("BCRB", 1.0)]),
    "MWBA": ("WBRI", [("BAFR", 1.0)]),
    "MWAS": ("WBRI", [("AIND", 0.4), ("APKN", 0.3), ("ABAN", 0.1), ("CHNE", 0.2)]),
    "MOTH": ("WBRI", [("OOTH", 0.4), ("WOTH", 0.3), ("BOTH", 0.3)]),
}

# Household ethnicity mixes (percent).  "adult" is roughly the 2021 census picture of a southern
# English port city; families with children are more diverse, older households less so;
# student houses include international students.
ETHNICITY_MIX: dict[str, dict[str, float]] = {
    "adult": {
        "WBRI": 71.0,
        "WIRI": 0.7,
        "WIRT": 0.1,
        "WROM": 0.2,
        "WOTH": 9.5,
        "MWBC": 0.9,
        "MWBA": 0.6,
        "MWAS": 1.0,
        "MOTH": 1.0,
        "AIND": 3.0,
        "APKN": 1.3,
        "ABAN": 0.7,
        "AOTH": 1.4,
        "CHNE": 0.9,
        "BAFR": 2.5,
        "BCRB": 0.6,
        "BOTH": 0.3,
        "OOTH": 2.2,
        "REFU": 0.4,
        "NOBT": 0.4,
    },
    "family": {
        "WBRI": 62.0,
        "WIRI": 0.4,
        "WIRT": 0.2,
        "WROM": 0.4,
        "WOTH": 10.0,
        "MWBC": 2.4,
        "MWBA": 1.8,
        "MWAS": 2.4,
        "MOTH": 2.0,
        "AIND": 3.4,
        "APKN": 2.4,
        "ABAN": 1.4,
        "AOTH": 1.6,
        "CHNE": 0.6,
        "BAFR": 3.6,
        "BCRB": 0.6,
        "BOTH": 0.5,
        "OOTH": 3.0,
        "REFU": 0.4,
        "NOBT": 0.3,
    },
    "old": {
        "WBRI": 88.0,
        "WIRI": 1.5,
        "WIRT": 0.1,
        "WROM": 0.1,
        "WOTH": 3.0,
        "MWBC": 0.1,
        "MWBA": 0.05,
        "MWAS": 0.1,
        "MOTH": 0.1,
        "AIND": 2.5,
        "APKN": 1.0,
        "ABAN": 0.4,
        "AOTH": 0.5,
        "CHNE": 0.5,
        "BAFR": 0.5,
        "BCRB": 1.2,
        "BOTH": 0.1,
        "OOTH": 0.5,
        "REFU": 0.2,
        "NOBT": 0.2,
    },
    "student": {
        "WBRI": 66.0,
        "WIRI": 0.5,
        "WOTH": 6.0,
        "MWBC": 1.0,
        "MWBA": 0.8,
        "MWAS": 1.5,
        "MOTH": 1.2,
        "AIND": 4.5,
        "APKN": 1.8,
        "ABAN": 0.8,
        "AOTH": 1.2,
        "CHNE": 5.0,
        "BAFR": 3.0,
        "BCRB": 0.5,
        "BOTH": 0.3,
        "OOTH": 1.5,
        "REFU": 0.1,
        "NOBT": 0.1,
    },
}

STREET_NAMES = (
    "Elm Oak Ash Beech Birch Cedar Chestnut Holly Laurel Maple Poplar Rowan Willow Hawthorn "
    "Juniper Alder Hazel Linden Cherry Walnut Church Mill Station Park Victoria Albert Queens "
    "Kings Princes Regent Shirley Portswood Bitterne Woolston Sholing Millbrook Freemantle "
    "Bassett Swaythling Thornhill Harefield Lordshill Coxford Redbridge Weston Peartree Highfield "
    "Northam Newtown Chapel Ocean Harbour Quay Dock Anchor Mariner Compass Lighthouse Tide Wharf "
    "Admiral Nelson Drake Raleigh Cabot Mayflower Titanic Canute Alfred Athelstan Wessex Itchen "
    "Test Hamble Solent Avon Meon Tudor Stuart Windsor Clarence Cambridge Oxford Belvedere "
    "Fairfield Greenbank Hillside Meadow Orchard Springfield Woodside Ferndale Brookside Glebe "
    "Rectory Vicarage Manor Grange Abbey Priory Castle Tower Market Bridge"
)
STREET_SUFFIXES = (
    "Road:30 Street:15 Avenue:12 Close:10 Gardens:6 Lane:6 Way:6 Drive:5 Crescent:4 Court:3 "
    "Grove:3 Place:3 Terrace:3 Hill:2 Walk:2 Rise:2 Mews:1 Square:1"
)
